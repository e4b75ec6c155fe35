/**
 * Charts take their own props: `(scope, id, props)` with their own config section(s), the environment context
 * and the constructs they depend on; lib/pipeline.ts is the one place that holds a whole `Environment` and wires
 * them. The compiler enforces what a chart can read once its props say it; these checks keep the props honest.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';
import type { EnvConfig, Environment } from '../lib/config';
import type { EnvContext } from '../lib/config/context';
import type { ArgoEnvironment } from '../charts/argocd';
import type { BackendChartProps } from '../charts/backend';
import type { DatabaseChartProps } from '../charts/database';
import type { ExternalSecretsChartProps } from '../charts/external-secrets';
import type { FrontendChartProps } from '../charts/frontend';
import type { GatewayChartProps } from '../charts/gateway';
import type { IngressChartProps } from '../charts/ingress';
import type { MigrationsChartProps } from '../charts/migrations';
import type { MonitoringChartProps } from '../charts/monitoring';
import type { NamespaceChartProps } from '../charts/namespace';
import type { NetworkPoliciesChartProps } from '../charts/network-policies';
import type { RedisChartProps } from '../charts/redis';
import type { SmokeChartProps, SmokeJobProps } from '../charts/smoke';

const CHARTS = path.join(ROOT, 'charts');
const chartFiles = () => fs.readdirSync(CHARTS).filter((f) => f.endsWith('.ts')).sort();
const read = (f: string) => fs.readFileSync(path.join(CHARTS, f), 'utf8');

/** Every problem of one chart file's source text. */
export function chartProblems(file: string, text: string): string[] {
  const problems: string[] = [];
  // 1. No whole environment: neither the `Environment` type nor the loader (only the wiring holds them).
  for (const m of text.matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'[^']*\/lib\/config(?:\/index)?'/g)) {
    for (const name of m[1].split(',').map((x) => x.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]).filter(Boolean)) {
      if (['Environment', 'loadEnvironments', 'environments', 'loadEnvironment'].includes(name)) problems.push(`${file}: imports ${name} from lib/config`);
    }
  }
  // 2. No whole config: EnvConfig only as one section's type (`EnvConfig['backend']`).
  for (const m of text.matchAll(/\bEnvConfig\b(?!\[')/g)) {
    const line = text.slice(0, m.index).split('\n').length;
    if (!/^\s*import\b/.test(text.split('\n')[line - 1])) problems.push(`${file}:${line}: EnvConfig used whole (only EnvConfig['<section>'] is a chart's)`);
  }
  // 3. Every EnvChart is (scope, id, props) with a Props interface that extends EnvChartProps.
  for (const m of text.matchAll(/export class (\w+) extends EnvChart\b[\s\S]*?constructor\(([^)]*)\)/g)) {
    const [, cls, params] = m;
    const props = /^scope: Construct, id: string, props: (\w+)$/.exec(params.trim());
    if (!props) problems.push(`${file}: ${cls} takes (${params.trim()}), not (scope: Construct, id: string, props: ${cls}Props)`);
    else if (!extendsEnvChartProps(text, props[1])) problems.push(`${file}: ${props[1]} does not extend EnvChartProps`);
  }
  // 4. No chart recomputes another chart's selector from its label spec: it takes the other chart's construct
  //    (`workload.selector`, `.peer`) in its props.
  for (const [spec, owner] of Object.entries(LABEL_SPEC_OWNERS)) {
    if (file !== owner && new RegExp(`selectorLabels\\([^)]*\\b${spec}\\b`).test(text)) problems.push(`${file}: computes the selector of ${spec} (${owner}'s pods) instead of taking its construct`);
  }
  return problems;
}

/** Whether interface `name` of this file extends EnvChartProps, directly or through another props interface of the file. */
function extendsEnvChartProps(text: string, name: string, seen = new Set<string>()): boolean {
  const bases = new RegExp(`export interface ${name} extends ([\\w, ]+)\\{`).exec(text)?.[1].split(',').map((b) => b.trim()) ?? [];
  seen.add(name);
  return bases.some((b) => b === 'EnvChartProps' || (!seen.has(b) && extendsEnvChartProps(text, b, seen)));
}

/** Label specs of lib/names.ts and the chart whose pods carry them. */
const LABEL_SPEC_OWNERS: Record<string, string> = {
  BACKEND: 'backend.ts',
  FRONTEND: 'frontend.ts',
  MIGRATION_LABELS: 'migrations.ts',
  SMOKE_LABELS: 'smoke.ts',
};

test('every chart takes (scope, id, props): its own sections, the environment context and constructs, never the whole Environment', () => {
  expect(chartFiles().flatMap((f) => chartProblems(f, read(f)))).toEqual([]);
});

test('the check finds each kind of reach past the props (it is not vacuous)', () => {
  expect(chartProblems('x.ts', "import type { EnvConfig, Environment } from '../lib/config';")).toEqual(['x.ts: imports Environment from lib/config']);
  expect(chartProblems('x.ts', "import { environments as all } from '../lib/config';")).toEqual(['x.ts: imports environments from lib/config']);
  expect(chartProblems('x.ts', "import type { EnvConfig } from '../lib/config';\nfunction f(c: EnvConfig) {}")).toEqual(["x.ts:2: EnvConfig used whole (only EnvConfig['<section>'] is a chart's)"]);
  expect(chartProblems('x.ts', "export class XChart extends EnvChart {\n  constructor(scope: Construct, env: Environment) {")).toEqual(['x.ts: XChart takes (scope: Construct, env: Environment), not (scope: Construct, id: string, props: XChartProps)']);
  expect(chartProblems('x.ts', 'export interface XProps {}\nexport class XChart extends EnvChart {\n  constructor(scope: Construct, id: string, props: XProps) {')).toEqual(['x.ts: XProps does not extend EnvChartProps']);
  expect(chartProblems('redis.ts', 'const backend = selectorLabels(env, BACKEND);')).toEqual(["redis.ts: computes the selector of BACKEND (backend.ts's pods) instead of taking its construct"]);
  expect(chartProblems('backend.ts', 'const backend = selectorLabels(env, BACKEND);')).toEqual([]);
  // Today's charts: the ingress chart complies; reintroducing the whole Environment is caught.
  const ingress = read('ingress.ts');
  expect(chartProblems('ingress.ts', ingress)).toEqual([]);
  expect(chartProblems('ingress.ts', ingress.replace("import type { EnvConfig } from '../lib/config';", "import type { EnvConfig, Environment } from '../lib/config';"))).toEqual(['ingress.ts: imports Environment from lib/config']);
});

test('the wiring hands a chart the pods of another from that chart, never recomputed from a label spec', () => {
  const pipeline = fs.readFileSync(path.join(ROOT, 'lib/pipeline.ts'), 'utf8');
  expect(chartProblems('lib/pipeline.ts', pipeline).filter((p) => p.includes('computes the selector'))).toEqual([]);
});

test('only lib/pipeline.ts (and the command line) builds charts', () => {
  const libFiles: string[] = [];
  const walk = (d: string) => {
    for (const f of fs.readdirSync(path.join(ROOT, d))) {
      const p = path.join(d, f);
      if (fs.statSync(path.join(ROOT, p)).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) libFiles.push(p);
    }
  };
  walk('lib');
  const builders = [...libFiles, 'main.ts'].filter((f) => /new \w+Chart\(/.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
  expect(builders).toEqual(['lib/pipeline.ts']);
});

/**
 * The fields of props type `P` that could hold a whole `Environment` or `EnvConfig` (or are `any`): a chart given
 * one could read every section again. Checked by the compiler (`tsc -b` type-checks test/).
 */
type WholeConfigFields<P> = { [K in keyof P]-?: NonNullable<P[K]> extends Environment | EnvConfig | { readonly config: EnvConfig } ? K : never }[keyof P];
type AllProps = BackendChartProps | DatabaseChartProps | ExternalSecretsChartProps | FrontendChartProps | GatewayChartProps
  | IngressChartProps | MigrationsChartProps | MonitoringChartProps | NamespaceChartProps | NetworkPoliciesChartProps
  | RedisChartProps | SmokeChartProps | SmokeJobProps | ArgoEnvironment;
type Offending = AllProps extends infer P ? (P extends unknown ? WholeConfigFields<P> : never) : never;

test('no chart props type has a field that holds the whole Environment or EnvConfig (a compile-time check)', () => {
  const none: [Offending] extends [never] ? true : false = true;
  expect(none).toBe(true);
  // Not vacuous: a props type with the whole environment or config, or an `any`, is caught; the context is not.
  const caught: [WholeConfigFields<{ env: Environment; c?: EnvConfig; x: any; ctx: EnvContext; s: EnvConfig['redis'] }>] extends ['env' | 'c' | 'x'] ? true : false = true;
  const exact: ['env' | 'c' | 'x'] extends [WholeConfigFields<{ env: Environment; c?: EnvConfig; x: any; ctx: EnvContext; s: EnvConfig['redis'] }>] ? true : false = true;
  expect([caught, exact]).toEqual([true, true]);
});
