import { constraintKind, translateDbError } from '../../server/db/errors';
import { ConflictError } from '../../server/errors';

describe('translateDbError', () => {
  test.each([
    [{ code: 'ER_DUP_ENTRY', errno: 1062, sqlMessage: "Duplicate entry '7' for key 'plans_product_id_unique'" }, 'unique'],
    [{ code: 'SQLITE_CONSTRAINT_UNIQUE', message: 'UNIQUE constraint failed: plans.product_id' }, 'unique'],
    [{ code: 'ER_ROW_IS_REFERENCED_2', errno: 1451 }, 'foreign_key'],
    [{ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }, 'foreign_key'],
    [{ code: 'ECONNREFUSED' }, undefined],
    ['not an object', undefined],
  ])('classifies %j as %s', (err, kind) => {
    expect(constraintKind(err)).toBe(kind);
  });

  test('when a unique violation is translated, then a ConflictError with our message replaces the SQL text', () => {
    const driverError = Object.assign(new Error("Duplicate entry '7' for key 'plans_product_id_unique'"), { code: 'ER_DUP_ENTRY' });
    expect(() => translateDbError(driverError, { unique: 'Product 7 has a plan already.' })).toThrow(
      new ConflictError('Product 7 has a plan already.'),
    );
  });

  test('when the error is not a constraint violation, then it is re-thrown untouched', () => {
    const other = Object.assign(new Error('connection lost'), { code: 'PROTOCOL_CONNECTION_LOST' });
    expect(() => translateDbError(other, { unique: 'x' })).toThrow(other);
  });
});
