import { SimClock } from '../../../ovirt-simulator/clock';
import { nameUuid, SeededRandom } from '../../../ovirt-simulator/random';
import { parseSearch } from '../../../ovirt-simulator/search/query';
import { applySearch } from '../../../ovirt-simulator/search/filter';
import { DateTime, Decimal } from '../../../ovirt-simulator/wire/document';
import { renderJson } from '../../../ovirt-simulator/wire/json';
import { parseXml, renderXml } from '../../../ovirt-simulator/wire/xml';

describe('SimClock (manual)', () => {
  it('when advanced, then due timers run in time order, same-instant timers in scheduling order', () => {
    const clock = new SimClock({ mode: 'manual', startTime: 0 });
    const seen: string[] = [];
    clock.schedule(2000, () => seen.push('b'));
    clock.schedule(1000, () => {
      seen.push('a');
      clock.schedule(0, () => seen.push('a2'));
    });
    clock.schedule(2000, () => seen.push('c'));
    const cancelled = clock.schedule(1500, () => seen.push('x'));
    cancelled.cancel();
    clock.advance(1999);
    expect(seen).toEqual(['a', 'a2']);
    expect(clock.now()).toBe(1999);
    clock.advance(1);
    expect(seen).toEqual(['a', 'a2', 'b', 'c']);
  });
});

describe('ids', () => {
  it('derives statistic ids like Java UUID.nameUUIDFromBytes', () => {
    expect(nameUuid('memory.installed')).toBe('5a89a1d2-32be-33f7-a0d1-f8b5bc974ff6');
    expect(nameUuid('elapsed.time')).toBe('57dfc947-ba36-3a51-a1ad-3800b6199ff5');
  });
  it('draws the same uuids from the same seed', () => {
    expect(new SeededRandom(7).uuid()).toBe(new SeededRandom(7).uuid());
  });
});

describe('wire rendering', () => {
  const doc = {
    root: 'vm',
    body: {
      href: '/ovirt-engine/api/vms/1',
      id: '1',
      name: 'web01',
      memory: 4294967296,
      stateless: false,
      speed: new Decimal(2.5),
      creation_time: new DateTime(Date.UTC(2024, 0, 1, 12)),
      comment: '',
      link: [{ href: '/ovirt-engine/api/vms/1/nics', rel: 'nics' }],
      os: { boot: { devices: { device: ['hd'] } } },
    },
  };

  it('prints XML with attributes for href/id/rel and ISO dates', () => {
    const xml = renderXml(doc);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<vm href="/ovirt-engine/api/vms/1" id="1">')).toBe(
      true,
    );
    expect(xml).toContain('<memory>4294967296</memory>');
    expect(xml).toContain('<stateless>false</stateless>');
    expect(xml).toContain('<creation_time>2024-01-01T12:00:00.000+00:00</creation_time>');
    expect(xml).toContain('<link href="/ovirt-engine/api/vms/1/nics" rel="nics"/>');
    expect(xml).toContain('<comment/>');
    expect(xml).toMatch(/<devices>\s*<device>hd<\/device>\s*<\/devices>/);
    expect(renderXml({ root: 'vms', body: {} })).toContain('<vms/>');
  });

  it('prints JSON like Jackson: ints and booleans as strings, decimals as numbers, dates as epoch ms', () => {
    const text = renderJson(doc);
    expect(text).toContain('"memory" : "4294967296"');
    expect(text).toContain('"stateless" : "false"');
    expect(text).toContain('"speed" : 2.5');
    expect(text).toContain(`"creation_time" : ${Date.UTC(2024, 0, 1, 12)}`);
    const parsed = JSON.parse(text) as Record<string, unknown>;
    expect(parsed.link).toEqual([{ href: '/ovirt-engine/api/vms/1/nics', rel: 'nics' }]);
    expect(parsed.os).toEqual({ boot: { devices: { device: ['hd'] } } });
    expect(renderJson({ root: 'vms', body: {} })).toBe('{ }');
  });

  it('parses XML bodies with attributes as keys and text kept as strings', () => {
    const { root, value } = parseXml('<vm><name>a</name><cluster id="c1"/><memory>1024</memory></vm>');
    expect(root).toBe('vm');
    expect(value).toEqual({ name: 'a', cluster: { id: 'c1' }, memory: '1024' });
    expect(() => parseXml('<vm><name>a</vm>')).toThrow();
  });
});

describe('search language', () => {
  it('parses conditions, or-groups, sortby and page', () => {
    expect(parseSearch('Vms: name=web* and status=up or host=host1 sortby name desc page 2')).toEqual({
      anyOf: [
        [
          { field: 'name', op: '=', value: 'web*' },
          { field: 'status', op: '=', value: 'up' },
        ],
        [{ field: 'host', op: '=', value: 'host1' }],
      ],
      sortBy: { field: 'name', desc: true },
      page: 2,
    });
  });

  it('filters with wildcards case-insensitively, sorts, then applies max', () => {
    const items = ['web02', 'Web01', 'db01', 'web03'].map((name) => ({ name }));
    const fields = { name: { get: (i: { name: string }) => i.name } };
    const out = applySearch(items, fields, {
      search: 'name=WEB*',
      max: 2,
      caseSensitive: false,
      defaultSort: { field: 'name', desc: false },
    });
    expect(out.map((i) => i.name)).toEqual(['Web01', 'web02']);
  });
});
