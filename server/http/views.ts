/**
 * Server-rendered pages with handlebars. Pages wrap themselves in the `layout` partial block
 * (`{{#> layout title="…"}}…{{/layout}}`), so no template needs unescaped output: `{{x}}` escapes everything.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';

export const VIEWS_DIR = path.resolve(__dirname, '..', '..', 'views');

type Template = (context: unknown) => string;

export function createViewEngine(options: { cache: boolean; dir?: string }) {
  const dir = options.dir ?? VIEWS_DIR;
  const templates = new Map<string, Template>();
  let hbs: typeof Handlebars | undefined;

  function instance(): typeof Handlebars {
    if (hbs && options.cache) return hbs;
    const fresh = Handlebars.create();
    const partialsDir = path.join(dir, 'partials');
    for (const file of readdirSync(partialsDir)) {
      if (file.endsWith('.hbs')) fresh.registerPartial(path.basename(file, '.hbs'), readFileSync(path.join(partialsDir, file), 'utf8'));
    }
    fresh.registerHelper('eq', (a: unknown, b: unknown) => a === b);
    templates.clear();
    hbs = fresh;
    return fresh;
  }

  function compile(file: string): Template {
    const cached = options.cache ? templates.get(file) : undefined;
    if (cached) return cached;
    const template = instance().compile(readFileSync(file, 'utf8'), { strict: false });
    if (options.cache) templates.set(file, template);
    return template;
  }

  /** express view-engine signature: (path, options, callback). */
  return (file: string, context: object, callback: (err: unknown, html?: string) => void): void => {
    try {
      callback(null, compile(file)(context));
    } catch (err) {
      callback(err);
    }
  };
}
