/**
 * docs/delivery.md's generated part (between `<!-- release-commands:start -->` and `<!-- release-commands:end -->`):
 * the kubectl commands that wait for a release and run the smoke test, per strategy, from the same code as the
 * kubectl procedure (lib/deploy/procedure.ts): for every environment of config/ applied with kubectl (its
 * objects in dist/), and for a canary environment with the defaults of `delivery.canary`. So no page keeps a
 * `kubectl rollout status deployment/backend` by hand that a canary environment cannot run.
 */
import * as path from 'path';
import type { Environment } from '../config';
import { canarySchema } from '../delivery/schema';
import { SMOKE_JOB } from '../delivery/smoke';
import { rolloutWait, smokeCommands, workloadWaits } from '../deploy/procedure';
import { BACKEND_DEPLOYMENT, FRONTEND_DEPLOYMENT } from '../names';
import { environmentsOfDist, readDist } from './dist-pages';

export const RELEASE_COMMANDS_START = '<!-- release-commands:start -->';
export const RELEASE_COMMANDS_END = '<!-- release-commands:end -->';

const bash = (lines: string[]) => ['```bash', ...lines, '```', ''];

/** What a person runs for a workload, by strategy (the canary's with the kubectl plugin `kubectl argo rollouts`). */
export function strategyCommands(ns: string, name: string): { what: string; rolling: string; canary: string }[] {
  return [
    { what: 'follow a release', rolling: `kubectl -n ${ns} rollout status deployment/${name}`, canary: `kubectl argo rollouts -n ${ns} get rollout ${name} --watch` },
    { what: 'restart the pods (a new Secret value)', rolling: `kubectl -n ${ns} rollout restart deployment/${name}`, canary: `kubectl argo rollouts -n ${ns} restart ${name}` },
    { what: 'stop a bad release', rolling: `kubectl -n ${ns} rollout undo deployment/${name}`, canary: `kubectl argo rollouts -n ${ns} abort ${name}` },
    { what: 'go on after a pause (too little traffic to judge)', rolling: '(no pause)', canary: `kubectl argo rollouts -n ${ns} promote ${name}` },
  ];
}

export function releaseCommandsSection(envs: Environment[], objectsByEnv: Map<string, Record<string, any>[]>): string {
  const out: string[] = [];
  for (const e of envs.filter((x) => !x.config.gitops.enabled && objectsByEnv.has(x.name))) {
    const objects = objectsByEnv.get(e.name)!;
    const ns = e.config.namespace;
    const smoke = objects.find((o) => o.kind === 'Job' && o.metadata.name === SMOKE_JOB);
    out.push(`\`${e.name}\` (\`delivery.strategy: ${e.config.delivery.strategy}\`, from \`dist/${e.name}/\`):`, '',
      ...bash([...workloadWaits(ns, objects, e.config.delivery.canary), ...(smoke ? smokeCommands(ns, `dist/${smoke.__file}`, smoke.spec.activeDeadlineSeconds ?? 300) : [])]));
  }
  if (out.length === 0) out.push('No environment in config/ is applied with kubectl.', '');
  const ns = '<ns>';
  const canary = canarySchema.parse({});
  out.push('An environment with `delivery.strategy: canary` and `canary.frontend` (the defaults of `delivery.canary`: '
    + `steps ${JSON.stringify(canary.steps)}, window ${canary.analysis.window}, ${canary.analysis.count} measurements ${canary.analysis.interval} apart), `
    + 'the other workloads as above:', '',
  ...bash([...[BACKEND_DEPLOYMENT, FRONTEND_DEPLOYMENT].flatMap((n) => rolloutWait(ns, n, canary)), ...smokeCommands(ns, `dist/<env>/post-apply/60-${SMOKE_JOB}.yaml`, 300)]));
  const rows = strategyCommands(ns, '<workload>').map((r) => `| ${r.what} | ${r.rolling.startsWith('(') ? r.rolling.slice(1, -1) : `\`${r.rolling}\``} | \`${r.canary}\` |`);
  out.push(`The other commands a person runs, by strategy, for \`<workload>\` = \`${BACKEND_DEPLOYMENT}\` (or \`${FRONTEND_DEPLOYMENT}\`, a Rollout with \`canary.frontend\`); a canary's need the kubectl plugin \`kubectl argo rollouts\` (\`kubectl rollout\` knows no Rollout):`, '',
    '| what | `rolling` (a Deployment) | `canary` (a Rollout) |', '| --- | --- | --- |', ...rows, '');
  return out.join('\n');
}

/** docs/delivery.md with its generated release commands replaced (objects from `root`/dist/). */
export function withReleaseCommands(root: string) {
  return (text: string, envs: Environment[]): string => {
    const start = text.indexOf(RELEASE_COMMANDS_START);
    const end = text.indexOf(RELEASE_COMMANDS_END);
    if (start < 0 || end < start) throw new Error(`docs/delivery.md: markers ${RELEASE_COMMANDS_START} and ${RELEASE_COMMANDS_END} not found`);
    const objects = environmentsOfDist(readDist(path.join(root, 'dist')));
    return `${text.slice(0, start + RELEASE_COMMANDS_START.length)}\n${releaseCommandsSection(envs, objects)}${text.slice(end)}`;
  };
}
