/**
 * The pages generated from dist/, on disk: the objects of a dist/ tree (read and parsed) in, the pages
 * (docs/deployed-objects/, docs/request-flow.md) out, never touching a page no generator wrote.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { CliError, EXIT } from '../cli/errors';
import type { KObject } from './object-graph';
import { GENERATED_MARK as DEPLOYED_OBJECTS_MARK } from './deployed-objects';
import { GENERATED_MARK as REQUEST_FLOW_MARK } from './request-flow';

/** What the header of a page generated from dist/ names (its generator). */
export const GENERATED_MARKS = [DEPLOYED_OBJECTS_MARK, REQUEST_FLOW_MARK];

/** Objects of one dist folder, in file order, each with its file. */
export function objectsFromYaml(files: [string, string][]): (KObject & { __file: string })[] {
  const out: (KObject & { __file: string })[] = [];
  for (const [file, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    for (const doc of parseAllDocuments(text)) {
      const o = doc.toJS();
      if (o && typeof o === 'object' && o.kind) out.push({ ...o, __file: file });
    }
  }
  return out;
}

/**
 * The environments of a dist tree given as path → YAML text (paths like `production/10-backend.yaml`): every
 * first-level folder except `argocd`, its objects parsed from the YAML.
 */
export function environmentsOfDist(dist: Map<string, string>): Map<string, (KObject & { __file: string })[]> {
  const byEnv = new Map<string, [string, string][]>();
  for (const [p, text] of dist) {
    const [env, ...rest] = p.split('/');
    if (rest.length === 0 || env === 'argocd' || !p.endsWith('.yaml')) continue;
    byEnv.set(env, [...(byEnv.get(env) ?? []), [p, text]]);
  }
  return new Map([...byEnv].map(([env, files]) => [env, objectsFromYaml(files)]));
}

/** The YAML files of a dist/ folder, path relative to it → text. */
export function readDist(distDir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!fs.existsSync(distDir)) return out;
  for (const f of fs.readdirSync(distDir, { recursive: true, encoding: 'utf8' })) {
    const rel = f.split(path.sep).join('/');
    if (rel.endsWith('.yaml')) out.set(rel, fs.readFileSync(path.join(distDir, f), 'utf8'));
  }
  return out;
}

/** Whether a page is one of ours: its header names one of the generators of pages from dist/. */
export function isGeneratedPage(text: string): boolean {
  return text.split('\n', 5).some((l) => l.startsWith('<!-- generated ') && GENERATED_MARKS.some((m) => l.includes(`(${m})`)));
}

/**
 * Writes the pages generated from dist/ (path relative to `root` → text) and, in each folder of `prune`, removes
 * the generated pages no longer among them (an environment gone from dist/). Only pages a generator wrote
 * (isGeneratedPage) are ever replaced or removed: anything else there (a user's notes) is left alone, and a file
 * of the same name that is not ours is never overwritten. Returns the files written.
 */
export function writeGeneratedPages(root: string, pages: Map<string, string>, prune: string[]): string[] {
  const written: string[] = [];
  const ours = (abs: string) => { try { return isGeneratedPage(fs.readFileSync(abs, 'utf8')); } catch { return false; } };
  for (const rel of prune) {
    const dir = path.join(root, rel);
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(dir)) {
      const abs = path.join(dir, f);
      if (f.endsWith('.md') && !pages.has(`${rel}/${f}`) && fs.lstatSync(abs).isFile() && ours(abs)) fs.rmSync(abs);
    }
  }
  for (const [rel, text] of pages) {
    const abs = path.join(root, rel);
    if (fs.existsSync(abs)) {
      const current = fs.readFileSync(abs, 'utf8');
      if (current === text) continue;
      if (!isGeneratedPage(current)) throw new CliError([`docs: ${rel}: exists and was not generated (no "generated ... (${GENERATED_MARKS.join(' or ')})" header), so it is not replaced; move it away, then run npm run docs again`], EXIT.output);
    }
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
    written.push(rel);
  }
  return written;
}
