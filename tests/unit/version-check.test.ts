import { parseServerVersion, versionProblem } from '../../server/db/version-check';

describe('database server version check', () => {
  test.each([
    ['10.11.19-MariaDB-0+deb12u1', 'MariaDB', undefined],
    ['10.6.0-MariaDB', 'MariaDB', undefined],
    ['11.4.2-MariaDB-ubu2404', 'MariaDB', undefined],
    ['5.5.5-10.6.12-MariaDB', 'MariaDB', undefined],
    ['8.0.1', 'MySQL', undefined],
    ['8.0.36-0ubuntu0.22.04.1', 'MySQL', undefined],
    ['8.4.0', 'MySQL', undefined],
  ])('when the server says %s, then it is accepted as %s', (raw, product, problem) => {
    expect(parseServerVersion(raw)?.product).toBe(product);
    expect(versionProblem(raw)).toBe(problem);
  });

  test.each([
    ['10.5.23-MariaDB', /MariaDB 10\.5\.23 is too old: .*MariaDB >= 10\.6\.0/],
    ['10.3.39-MariaDB-0+deb10u1', /MariaDB 10\.3\.39 is too old/],
    ['8.0.0', /MySQL 8\.0\.0 is too old: .*MySQL >= 8\.0\.1.*SKIP LOCKED/],
    ['5.7.44-log', /MySQL 5\.7\.44 is too old/],
    ['garbage', /Cannot read the database server version/],
  ])('when the server says %s, then the start is refused with a clear message', (raw, message) => {
    expect(versionProblem(raw)).toMatch(message);
  });
});
