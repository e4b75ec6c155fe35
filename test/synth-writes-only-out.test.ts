/**
 * Synth writes only its output folder (and the scratch folders next to it): wherever it is started, whatever
 * `--out` names, nothing else in the working folder is created, changed or deleted, a user's notes in
 * docs/deployed-objects/ included. The deployed-objects pages are `npm run docs`'s, which replaces or removes only the
 * pages it generated. In-process (main() and writeGeneratedPages on temporary folders).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { GENERATED_MARK } from '../lib/docs/deployed-objects';
import { writeGeneratedPages } from '../lib/docs/dist-pages';
import { main } from '../main';

const CONFIG = stringify({ registry: 'registry.example.nl/pensioen', certManager: { email: 'ops@example.nl' }, network: { databaseCidrs: ['10.0.0.0/8'] } });

/** Every file and folder below `dir` (except the `skip` top-level names) with its content and mtime. */
function tree(dir: string, skip: string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (skip.some((s) => rel === s || rel.startsWith(`${s}${path.sep}`))) continue;
    const abs = path.join(dir, rel);
    const st = fs.lstatSync(abs);
    out[rel] = st.isFile() ? `${st.mtimeMs} ${fs.readFileSync(abs, 'utf8')}` : `${st.isDirectory() ? 'dir' : 'other'} ${st.mtimeMs}`;
  }
  return out;
}

/** Another project: its own docs/deployed-objects/ with a user's notes and a page named like an environment. */
function otherProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-only-out-'));
  fs.mkdirSync(path.join(dir, 'docs', 'deployed-objects'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'docs', 'deployed-objects', 'notes.md'), '# My notes\n');
  fs.writeFileSync(path.join(dir, 'docs', 'deployed-objects', 'README.md'), '# Their objects\n');
  fs.writeFileSync(path.join(dir, 'docs', 'deployed-objects', 'x.md'), '# Their page x\n');
  fs.writeFileSync(path.join(dir, 'README.md'), '# Another project\n');
  fs.mkdirSync(path.join(dir, 'envs'));
  fs.writeFileSync(path.join(dir, 'envs', 'x.yaml'), CONFIG);
  return dir;
}

const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

test.each([['dist'], ['out/manifests']])('run from another project with --out %s, synth changes nothing but the output folder', (out) => {
  const dir = otherProject();
  try {
    process.chdir(dir);
    const before = tree(dir);
    expect(main(['--config', 'envs', '--out', out])).toBe(0);
    const top = out.split('/')[0];
    const after = tree(dir, [top]);
    expect(after).toEqual(Object.fromEntries(Object.entries(before).filter(([k]) => k !== top && !k.startsWith(`${top}${path.sep}`))));
    // Only the output folder is new: no scratch folder stays behind, no docs appear.
    expect(fs.readdirSync(dir).sort()).toEqual(['README.md', 'docs', 'envs', top].sort());
    expect(fs.existsSync(path.join(dir, out, 'x', '10-backend.yaml'))).toBe(true);
  } finally {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('npm run docs (writeGeneratedPages) replaces and removes only its own pages', () => {
  const page = (env: string) => `# Deployed objects: ${env}\n\n<!-- generated from dist/${env}/ by \`npm run docs\` (${GENERATED_MARK}); do not edit -->\n`;
  test('a user\'s notes stay; a generated page of a removed environment goes', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'arch-docs-'));
    try {
      const dir = path.join(root, 'docs', 'deployed-objects');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'notes.md'), '# My notes\n');
      fs.writeFileSync(path.join(dir, 'gone.md'), page('gone'));
      writeGeneratedPages(root, new Map([['docs/deployed-objects/a.md', page('a')]]), ['docs/deployed-objects']);
      expect(fs.readdirSync(dir).sort()).toEqual(['a.md', 'notes.md']);
      expect(fs.readFileSync(path.join(dir, 'notes.md'), 'utf8')).toBe('# My notes\n');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
  test('a hand-written file with a generated page\'s name is not overwritten: one line saying what to do', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'arch-docs-'));
    try {
      const dir = path.join(root, 'docs', 'deployed-objects');
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, 'a.md'), '# Mine\n');
      expect(() => writeGeneratedPages(root, new Map([['docs/deployed-objects/a.md', page('a')]]), ['docs/deployed-objects']))
        .toThrow(/^docs: docs\/deployed-objects\/a\.md: exists and was not generated .*so it is not replaced; move it away, then run npm run docs again$/);
      expect(fs.readFileSync(path.join(dir, 'a.md'), 'utf8')).toBe('# Mine\n');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
