/**
 * The code's structure: no import cycle between our modules (type imports included: a cycle of types is a
 * cycle of concepts).
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';

const SOURCE_ROOTS = ['main.ts', 'charts', 'lib', 'scripts', 'bin', 'test'];

function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const abs = path.join(ROOT, p);
    if (!fs.existsSync(abs)) return;
    if (fs.statSync(abs).isDirectory()) for (const f of fs.readdirSync(abs)) walk(path.join(p, f));
    else if (/\.(ts|js)$/.test(p) && !p.endsWith('.d.ts')) out.push(p);
  };
  SOURCE_ROOTS.forEach(walk);
  return out.sort();
}

/** The project files a file imports (relative specifiers: import/export from, require(), import()). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'(\.{1,2}\/[^']+)'|require\('(\.{1,2}\/[^']+)'\)|import\('(\.{1,2}\/[^']+)'\)/g)]
    .map((m) => m[1] ?? m[2] ?? m[3]);
  const out: string[] = [];
  for (const s of specs) {
    const base = path.join(path.dirname(file), s);
    const hit = [base, `${base}.ts`, `${base}.js`, path.join(base, 'index.ts')].find((p) => fs.existsSync(path.join(ROOT, p)) && fs.statSync(path.join(ROOT, p)).isFile());
    if (hit) out.push(hit);
  }
  return out;
}

/** Strongly connected components with more than one file (Tarjan): each is an import cycle. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); c.push(w); } while (w !== v);
      if (c.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(c.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

const graph = new Map(sourceFiles().map((f) => [f, importsOf(f)] as const));

test('no import cycle in main.ts, charts/, lib/, scripts/, bin/ and test/', () => {
  expect(importCycles(graph)).toEqual([]);
});

test('the cycle finder finds a cycle (it is not vacuous)', () => {
  expect(importCycles(new Map([['a', ['b']], ['b', ['c']], ['c', ['a']], ['d', ['a']]]))).toEqual([['a', 'b', 'c']]);
  expect(graph.get('lib/tls/issuers.ts')).toContain('lib/edge/http01-solver.ts');
  // test/ is in the graph too: its helpers and the suites that use them
  expect(graph.get('test/promtool/cnpg-cases.ts')).toContain('test/promtool/types.ts');
});
