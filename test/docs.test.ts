/**
 * The README and docs/: generated parts are current, links and cited paths exist, the README stays a short
 * newcomer page whose "Where things are built" map names every chart and every config section, and no config
 * file points outside the repository.
 */
import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { configSchema } from '../lib/config';
import { GENERATED_SECTIONS, generatedDocs } from '../lib/docs';
import { REFERENCE_END, REFERENCE_START, withReference } from '../lib/docs/config-reference';
import { configEnvironments, ROOT } from './helpers';

const read = (rel: string) => fs.readFileSync(path.join(ROOT, rel), 'utf8');
const readme = read('README.md');
const docFiles = fs.readdirSync(path.join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.md')).map((f) => `docs/${f.split(path.sep).join('/')}`).sort();

describe('generated parts of docs/', () => {
  const current = generatedDocs(ROOT, configEnvironments());
  test.each(GENERATED_SECTIONS.map((s) => [s.file, s.what] as const))('%s: %s is current (fix: `npm run docs`)', (file) => {
    expect(read(file) === current.get(file) ? 'up to date' : `${file} is stale: run \`npm run docs\``).toBe('up to date');
  });

  test('the configuration reference lives in docs/configuration.md between its markers and follows the schema', () => {
    const doc = read('docs/configuration.md');
    expect(doc.indexOf(REFERENCE_START)).toBeGreaterThan(0);
    expect(doc.indexOf(REFERENCE_END)).toBeGreaterThan(doc.indexOf(REFERENCE_START));
    // a changed description shows up in the regenerated text: it is generated, not hand-kept
    expect(withReference(doc.replace('| Namespace every namespaced object goes into', '| stale text'))).toBe(doc);
    expect(readme).not.toContain(REFERENCE_START);
  });
});

describe('README', () => {
  test('gives the two set-up commands', () => {
    expect(readme).toContain('npm ci && npm run synth');
    expect(readme).toMatch(/^npm test\b/m);
  });

  test('fits on a few screens (at most 150 lines, 16 KB): reference material goes to docs/', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(150);
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(16 * 1024);
  });

  test('links every page of docs/ (the table of contents)', () => {
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]));
    const pages = docFiles.filter((f) => !f.startsWith('docs/deployed-objects/') || f === 'docs/deployed-objects/README.md');
    expect(pages.filter((f) => !linked.has(f))).toEqual([]);
  });

  test('"Where things are built" names every chart file and every top-level config key', () => {
    const where = readme.slice(readme.indexOf('## Where things are built'), readme.indexOf('\n## ', readme.indexOf('## Where things are built') + 3));
    expect(where.length).toBeGreaterThan(100);
    const charts = fs.readdirSync(path.join(ROOT, 'charts')).filter((f) => f.endsWith('.ts'));
    expect(charts.filter((f) => !where.includes(`\`charts/${f}\``))).toEqual([]);
    const keys = Object.keys((z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as any).properties);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !where.includes(`\`${k}\``))).toEqual([]);
  });
});

describe('links and cited paths', () => {
  const pages = ['README.md', ...docFiles];
  const runbookPages = fs.readdirSync(path.join(ROOT, 'runbooks')).filter((f) => f.endsWith('.md')).map((f) => `runbooks/${f}`);

  test.each(pages)('%s: every relative link points at a file or folder in the repository, and every anchor at a heading', (page) => {
    const text = read(page);
    const broken: string[] = [];
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^[a-z]+:/.test(target)) continue; // https:, mailto:
      const [file, anchor] = target.split('#');
      const abs = file ? path.resolve(path.dirname(path.join(ROOT, page)), file) : path.join(ROOT, page);
      if (!abs.startsWith(ROOT + path.sep) || !fs.existsSync(abs)) { broken.push(`${target}: no such file`); continue; }
      if (anchor && abs.endsWith('.md') && !anchorsOf(fs.readFileSync(abs, 'utf8')).has(anchor)) broken.push(`${target}: no heading #${anchor}`);
    }
    expect(broken).toEqual([]);
  });

  test.each([...pages, ...runbookPages])('%s: every "see docs/<page>[#anchor]" names a page and heading that exist, every "see <AlertName>" an alert with a runbook', (page) => {
    const text = read(page);
    const broken: string[] = [];
    for (const m of text.matchAll(/\b[Ss]ee (docs\/[A-Za-z0-9_./-]*[A-Za-z0-9_-](?:\.md)?)(#[a-z0-9-]+)?/g)) {
      const file = m[1].endsWith('.md') || fs.existsSync(path.join(ROOT, m[1])) ? m[1] : `${m[1]}.md`;
      if (!fs.existsSync(path.join(ROOT, file))) broken.push(`${m[0]}: no ${file}`);
      else if (m[2] && !anchorsOf(read(file)).has(m[2].slice(1))) broken.push(`${m[0]}: no heading ${m[2]} in ${file}`);
    }
    for (const m of text.matchAll(/\b[Ss]ee `?([A-Z][a-z]+(?:[A-Z][a-z0-9]*)+)`?/g)) {
      if (!fs.existsSync(path.join(ROOT, 'runbooks', `${m[1]}.md`))) broken.push(`${m[0]}: no alert ${m[1]} (runbooks/${m[1]}.md)`);
    }
    expect(broken).toEqual([]);
  });

  test.each(pages)('%s: every repository path in backticks exists', (page) => {
    const roots = ['charts', 'lib', 'scripts', 'bin', 'test', 'config', 'docs', 'runbooks', 'crds', 'schemas', 'bench', 'imports'];
    const cited = [...read(page).matchAll(/`([a-z]+\/[A-Za-z0-9_./-]*)`/g)].map((m) => m[1])
      .filter((p) => roots.includes(p.split('/')[0]) && !p.includes('<') && !/\.\.\.|\*/.test(p));
    expect(cited.filter((p) => !fs.existsSync(path.join(ROOT, p)))).toEqual([]);
  });
});

test('no config file points at a path outside the repository', () => {
  const dir = path.join(ROOT, 'config');
  const outside: string[] = [];
  for (const f of fs.readdirSync(dir)) {
    read(`config/${f}`).split('\n').forEach((line, i) => {
      if (/(^|[\s("'`=])(\.\.\/|~\/|\/(work|home|tmp|Users)\/)/.test(line)) outside.push(`config/${f}:${i + 1}: ${line.trim()}`);
    });
  }
  expect(outside).toEqual([]);
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(m[1].trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return out;
}
