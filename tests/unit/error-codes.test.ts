/**
 * The closed list of error codes (server/error-codes.ts) against what reads or describes it: the WHMCS module's
 * table of messages (BridgeError::forCode) has exactly the codes the billing panel can receive, no more, no fewer;
 * docs/error-codes.md is the list written out. After changing the list,
 * `UPDATE_ERROR_CODES_DOC=1 npx jest tests/unit/error-codes` rewrites the document, to be read in review like any diff.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES, type ErrorCode } from '../../server/error-codes';

const ROOT = path.resolve(__dirname, '..', '..');
const BRIDGE_ERROR_PHP = 'integrations/whmcs/modules/servers/ovirtha/lib/BridgeError.php';
const DOC = 'docs/error-codes.md';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const panelCodes = codes.filter((c) => ERROR_CODES[c].panel);

/** The codes of forCode()'s match: every quoted string before an arm's `=>` (an arm may list several). */
function phpTableCodes(php: string): string[] {
  const body = /private function forCode\(string \$code\): \?string\s*\{\s*return match \(\$code\) \{([\s\S]*?)\n\s*default => null,/.exec(
    php,
  );
  if (!body) throw new Error(`${BRIDGE_ERROR_PHP}: no forCode() with a match on $code ending in "default => null" was found`);
  const found: string[] = [];
  for (const line of body[1]!.split('\n')) {
    const arm = /^\s*((?:'[^']*'\s*,\s*)*'[^']*')\s*=>/.exec(line);
    if (arm) found.push(...[...arm[1]!.matchAll(/'([^']*)'/g)].map((m) => m[1]!));
    else if (line.trim() !== '') throw new Error(`${BRIDGE_ERROR_PHP}: forCode() has a line that is not one arm: ${line.trim()}`);
  }
  return found;
}

function renderDoc(): string {
  const row = (c: ErrorCode) => {
    const info = ERROR_CODES[c];
    return `| \`${c}\` | ${info.statuses.join(', ')} | ${info.panel ? 'yes' : 'no'} | ${info.meaning.replace(/\|/g, '\\|')} |`;
  };
  return [
    '# Error codes',
    '',
    'Every answer the bridge refuses carries one of these codes, in the same shape on every route:',
    '',
    '```json',
    '{"error": {"code": "unknown_product", "message": "…", "details": {"product_id": "7"}, "request_id": "…"}}',
    '```',
    '',
    '`message` is for people and may change; `code` is for programs and does not. `details` is there when the error',
    'has more to say (for `validation_failed`, a list of `{"field", "message"}`). A 429 or 503 also carries',
    '`Retry-After`. Pages of the admin console and the client area answer with an HTML page instead when the browser',
    'asks for HTML.',
    '',
    'The list is closed: the bridge sends no other code. "Panel" says whether the billing panel can receive the code',
    '(a webhook, the `/api/v1` routes it calls, or a path that does not exist); the WHMCS module words each of those',
    'for a WHMCS admin (`BridgeError::forCode`), and a test keeps its table equal to the panel codes here.',
    '',
    'This file is written from `server/error-codes.ts` by `UPDATE_ERROR_CODES_DOC=1 npx jest tests/unit/error-codes`;',
    'the same test fails when the two differ.',
    '',
    '| code | HTTP status | panel | meaning |',
    '|---|---|---|---|',
    ...codes.map(row),
    '',
  ].join('\n');
}

describe('error codes', () => {
  it('are snake_case and go out with 4xx or 5xx statuses', () => {
    for (const c of codes) {
      expect(c).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      expect(ERROR_CODES[c].statuses.length).toBeGreaterThan(0);
      for (const s of ERROR_CODES[c].statuses) expect(s >= 400 && s <= 599).toBe(true);
    }
  });

  it("the WHMCS module's table of messages has exactly the codes the panel can receive", () => {
    const table = phpTableCodes(readFileSync(path.join(ROOT, BRIDGE_ERROR_PHP), 'utf8'));
    expect(table.length).toBe(new Set(table).size);
    const missing = panelCodes.filter((c) => !table.includes(c));
    const stale = table.filter((c) => !(panelCodes as string[]).includes(c));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
  });

  it('the table parser reads arms with several codes and refuses a line it does not understand', () => {
    const php = (arms: string) =>
      `    private function forCode(string $code): ?string\n    {\n        return match ($code) {\n${arms}\n            default => null,\n        };`;
    expect(phpTableCodes(php("            'a', 'b' => 'x',\n            'c' => $this->y(),"))).toEqual(['a', 'b', 'c']);
    expect(() => phpTableCodes(php("            'a' => 'x',\n            $code === 'b' => 'y',"))).toThrow(/not one arm/);
  });

  it(`${DOC} is the list written out`, () => {
    const file = path.join(ROOT, DOC);
    if (process.env.UPDATE_ERROR_CODES_DOC === '1') writeFileSync(file, renderDoc());
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(renderDoc());
  });
});
