/**
 * docs/onprem-install.md's generated part (between `<!-- procedure:start -->` and `<!-- procedure:end -->`):
 * the kubectl procedure (lib/deploy/procedure.ts) of every environment that is applied with kubectl
 * (`gitops.enabled: false`), from its objects in dist/. `npm run docs` rewrites it; a test fails when it is stale.
 */
import * as path from 'path';
import type { Environment } from '../config';
import { kubectlProcedure, procedureMarkdown } from '../deploy/procedure';
import { environmentsOfDist, readDist } from './dist-pages';

export const PROCEDURE_START = '<!-- procedure:start -->';
export const PROCEDURE_END = '<!-- procedure:end -->';

export function procedureSection(envs: Environment[], objectsByEnv: Map<string, Record<string, any>[]>): string {
  const kubectl = envs.filter((e) => !e.config.gitops.enabled && objectsByEnv.has(e.name));
  if (kubectl.length === 0) return 'No environment in config/ is applied with kubectl (every one has `gitops.enabled: true`).\n';
  return kubectl.map((e) => procedureMarkdown(e, kubectlProcedure(e, objectsByEnv.get(e.name)!))).join('\n');
}

/** docs/onprem-install.md with its generated procedure replaced (objects from `root`/dist/). */
export function withProcedureSection(root: string) {
  return (text: string, envs: Environment[]): string => {
    const start = text.indexOf(PROCEDURE_START);
    const end = text.indexOf(PROCEDURE_END);
    if (start < 0 || end < start) throw new Error(`docs/onprem-install.md: markers ${PROCEDURE_START} and ${PROCEDURE_END} not found`);
    const objects = environmentsOfDist(readDist(path.join(root, 'dist')));
    return `${text.slice(0, start + PROCEDURE_START.length)}\n${procedureSection(envs, objects)}${text.slice(end)}`;
  };
}
