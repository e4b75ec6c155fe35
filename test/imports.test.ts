/**
 * The generated custom-resource classes in imports/ (`npm run import`, from the cdk8s.yaml entries) are all
 * used: each file by the app's code, each cdk8s.yaml entry by its file. A class nothing builds is generated
 * code to type-check and review for nothing; delete its entry and its file (and keep its CRD in crds/ when
 * the validation gate checks objects against it).
 * And no custom resource is built as an untyped ApiObject where a generated class fits.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { ROOT } from './helpers';

/** The app's code: what synthesizes, validates and documents the output (a file only a test uses is unused). */
const APP_ROOTS = ['main.ts', 'charts', 'lib', 'scripts', 'bin'];

function appFiles(p: string): string[] {
  const abs = path.join(ROOT, p);
  if (!fs.existsSync(abs)) return [];
  if (fs.statSync(abs).isDirectory()) return fs.readdirSync(abs).flatMap((f) => appFiles(path.join(p, f)));
  return /\.(ts|js)$/.test(p) && !p.endsWith('.d.ts') ? [p] : [];
}

/** imports/<module> named by an import/export ... from, require() or import() of an app file. */
function importedModules(): Set<string> {
  const used = new Set<string>();
  for (const file of APP_ROOTS.flatMap(appFiles)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const m of text.matchAll(/(?:from\s+|require\(|import\()'(\.{1,2}\/[^']+)'/g)) {
      const target = path.relative(ROOT, path.join(path.dirname(file), m[1]));
      if (target.startsWith(`imports${path.sep}`)) used.add(target.slice('imports/'.length).replace(/\.ts$/, ''));
    }
  }
  return used;
}

const generated = fs.readdirSync(path.join(ROOT, 'imports')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();
/** The module prefixes of cdk8s.yaml's imports (`<prefix>:=crds/<file>.yaml` writes imports/<prefix>-<group>.ts). */
const entries: { prefix: string; source: string }[] = (parse(fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf8')).imports as string[])
  .map((e) => { const [prefix, source] = e.split(':='); return { prefix, source }; });
const entryOf = (module: string) => entries.find((e) => module.startsWith(`${e.prefix}-`));

test('every file in imports/ is imported by the app', () => {
  const used = importedModules();
  expect(generated.length).toBeGreaterThan(0);
  expect(generated.filter((m) => !used.has(m)).map((m) => `imports/${m}.ts has no importer in ${APP_ROOTS.join(', ')}`)).toEqual([]);
});

test('every cdk8s.yaml import entry has its generated file, every generated file its entry and its pinned CRD', () => {
  expect(entries.filter((e) => !generated.some((m) => m.startsWith(`${e.prefix}-`))).map((e) => `cdk8s.yaml entry ${e.prefix} has no file in imports/`)).toEqual([]);
  expect(generated.filter((m) => !entryOf(m)).map((m) => `imports/${m}.ts has no cdk8s.yaml entry (npm run import would not regenerate it)`)).toEqual([]);
  expect(entries.filter((e) => !fs.existsSync(path.join(ROOT, e.source))).map((e) => `cdk8s.yaml entry ${e.prefix}: ${e.source} does not exist`)).toEqual([]);
});

test('charts/ and lib/ build no untyped ApiObject unless a comment says why no generated class fits', () => {
  const untyped: string[] = [];
  for (const file of ['charts', 'lib'].flatMap(appFiles)) {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/new ApiObject\(/.test(line) && !lines.slice(Math.max(0, i - 4), i).some((l) => /\/\/.*no generated class fits/i.test(l))) {
        untyped.push(`${file}:${i + 1}: new ApiObject( without a "No generated class fits: <why>" comment above it; use the class from imports/`);
      }
    });
  }
  expect(untyped).toEqual([]);
});
