import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { AdminTokens } from '../../server/auth/admin-tokens';
import { ManualClock } from '../../server/clock';
import { UnauthorizedError } from '../../server/errors';

const SECRET = 'unit-test-session-secret-0123456789abcdef';
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

function handMade(header: object, payload: object, secret = SECRET): string {
  const head = `${b64(header)}.${b64(payload)}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

describe('AdminTokens', () => {
  const clock = new ManualClock('2026-11-26T10:00:00Z');
  const tokens = new AdminTokens(SECRET, clock);
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const claims = () => ({ aud: 'admin', iss: 'ovirt-ha-bridge', sub: 'ops', iat: now(), exp: now() + 600 });

  test('when a token it signed is verified within its hour, then the subject comes back', () => {
    const identity = tokens.verify(tokens.sign('ops'));
    expect(identity.subject).toBe('ops');
    expect(identity.expiresAt.toISOString()).toBe('2026-11-26T11:00:00.000Z');
  });

  test('when the hour has passed, then the token is refused as expired', () => {
    const token = tokens.sign('ops');
    const later = new AdminTokens(SECRET, new ManualClock('2026-11-26T11:00:10Z'));
    expect(() => later.verify(token)).toThrow(new UnauthorizedError('The admin token has expired.'));
  });

  test('when the algorithm is none, then it is refused', () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`;
    expect(() => tokens.verify(token)).toThrow(UnauthorizedError);
  });

  test('when another HMAC algorithm is used with the right secret, then it is refused', () => {
    const token = jwt.sign(claims(), SECRET, { algorithm: 'HS512' });
    expect(() => tokens.verify(token)).toThrow(UnauthorizedError);
  });

  test('when an RS256 token is presented, then it is refused (no algorithm confusion)', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = jwt.sign(claims(), privateKey, { algorithm: 'RS256' });
    expect(() => tokens.verify(token)).toThrow(UnauthorizedError);
  });

  test('when the secret is wrong, then it is refused', () => {
    expect(() => tokens.verify(handMade({ alg: 'HS256', typ: 'JWT' }, claims(), 'another-secret-0123456789abcdefghij'))).toThrow(
      UnauthorizedError,
    );
  });

  test('when the audience or issuer is wrong, then it is refused', () => {
    expect(() => tokens.verify(handMade({ alg: 'HS256' }, { ...claims(), aud: 'client-area' }))).toThrow(UnauthorizedError);
    expect(() => tokens.verify(handMade({ alg: 'HS256' }, { ...claims(), iss: 'someone-else' }))).toThrow(UnauthorizedError);
  });

  test('when the token has no expiry or no subject, then it is refused', () => {
    const { exp: _exp, ...noExp } = claims();
    expect(() => tokens.verify(handMade({ alg: 'HS256' }, noExp))).toThrow(UnauthorizedError);
    const { sub: _sub, ...noSub } = claims();
    expect(() => tokens.verify(handMade({ alg: 'HS256' }, noSub))).toThrow(UnauthorizedError);
  });

  test('when the payload is tampered with, then the signature no longer matches', () => {
    const [h, , s] = tokens.sign('ops').split('.');
    const forged = `${h}.${b64({ ...claims(), sub: 'root' })}.${s}`;
    expect(() => tokens.verify(forged)).toThrow(UnauthorizedError);
  });

  test('a hand-made token with the right secret and claims is accepted (the fixtures above are sound)', () => {
    expect(tokens.verify(handMade({ alg: 'HS256', typ: 'JWT' }, claims())).subject).toBe('ops');
  });
});
