import { applySearch, type FieldSpec } from '../../../ovirt-simulator/search/filter';
import { parseSearch, SearchRejected } from '../../../ovirt-simulator/search/query';
import { checkSyntax, engineErrorText, type FieldSyntax } from '../../../ovirt-simulator/search/syntax';

/** VM-like fields: text `name`, enum `status`, numeric `memory`. */
const FIELDS = new Map<string, FieldSyntax>([
  ['name', { ordered: false, accepts: (v) => /^[^<>&^!']*$/.test(v) }],
  ['status', { ordered: false, accepts: (v) => ['up', 'down', 'imagelocked'].includes(v.toLowerCase()) }],
  ['memory', { ordered: true, accepts: (v) => /^\d+$/.test(v) }],
]);

/** What the engine would log for `VMs : <search>`, or `ok` when it would run the query. */
function logged(search: string): string | undefined {
  try {
    parseSearch(search, FIELDS, 'VMs');
    return 'ok';
  } catch (err) {
    if (!(err instanceof SearchRejected)) throw err;
    return err.logged;
  }
}

describe('search syntax as the engine checks it', () => {
  it('when a value is not one the field takes, then INVALID_CONDITION_VALUE marks it between $ (the engine skips its first character)', () => {
    expect(logged('status=image_locked and name=web*')).toBe('VMs : status=$mage_locked $and name=web*');
    // At the very end the marks would fall off the text: the engine logs the error's name instead.
    expect(logged('status=image_locked')).toBe('INVALID_CONDITION_VALUE');
  });

  it('when a text field is compared with <, then INVALID_CONDITION_RELATION', () => {
    expect(logged('name<web and status=up')).toBe('VMs : name$w$eb and status=up');
    expect(logged('memory>=4096')).toBe('ok');
  });

  it('when sortby names no field or the direction is wrong, then the engine refuses it', () => {
    expect(logged('name=web* sortby colour desc')).toBe('VMs : name=web* sortby $o$lour desc');
    expect(logged('name=web* sortby name down page 2')).toBe('VMs : name=web* sortby name $ow$n page 2');
    expect(logged('sortby name asc page x')).toBe('INVALID_CHARECTER');
    expect(logged('sortby name asc page 2 more')).toBe('VMs : sortby name asc page 2 $o$re');
  });

  it('when two free-text words are given, or a quote or semicolon, then the engine refuses it', () => {
    expect(logged('web db')).toBe('FREE_TEXT_ALLOWED_ONCE_PER_OBJ');
    expect(logged("name='web'")).toBe("VMs : name=$w$eb'");
  });

  it('when the query stops after and, a field or a relation, then it is incomplete: nothing logged, nothing run', () => {
    expect(logged('name=web* and')).toBeUndefined();
    expect(logged('name=')).toBeUndefined();
    expect(logged('name')).toBeUndefined();
  });

  it('name=web* and and is a condition and free text "and"; name== compares with "="', () => {
    expect(parseSearch('name=web* and and', FIELDS).anyOf).toEqual([
      [
        { field: 'name', op: '=', value: 'web*' },
        { field: '', op: '=', value: 'and', freeText: true },
      ],
    ]);
    expect(parseSearch('name==', FIELDS).anyOf).toEqual([[{ field: 'name', op: '=', value: '=' }]]);
  });

  it('the engine formula (SearchQuery.initQueryData): text before, $, the part from its second character, $, the rest after its end', () => {
    expect(engineErrorText('abcdefgh', { error: 'INVALID_CONDITION_VALUE', start: 2, end: 4 })).toBe('ab$de$fgh');
    expect(engineErrorText('abcdefgh', { error: undefined })).toBeUndefined();
    expect(checkSyntax('a', 0, FIELDS)).toMatchObject({ ok: true });
  });

  it('when the engine would not run a query, then the list is empty (200), and the rejection is reported', () => {
    const items = ['web01', 'web02', 'db01', 'and-more'].map((name) => ({ name }));
    const fields: Record<string, FieldSpec<{ name: string }>> = { name: { get: (i) => i.name } };
    const seen: string[] = [];
    const run = (search: string) =>
      applySearch(items, fields, {
        search,
        max: undefined,
        caseSensitive: false,
        defaultSort: { field: 'name', desc: false },
        searchObject: 'VMs',
        onRejected: (r) => seen.push(r.logged ?? '(incomplete)'),
      }).map((i) => i.name);
    expect(run('name=web*')).toEqual(['web01', 'web02']);
    expect(run('name=web* and and')).toEqual([]);
    expect(run('name=*more and and')).toEqual(['and-more']);
    expect(run('name==')).toEqual([]);
    expect(run('name=web* and')).toEqual([]);
    expect(run('name<web')).toEqual([]);
    expect(seen).toEqual(['(incomplete)', 'VMs : name$w$eb']);
  });
});
