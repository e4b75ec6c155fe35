/** The Git revisions Argo CD syncs (`gitops.targetRevision`, `gitops.bootstrapRevision`): names git accepts. */
import type { z } from 'zod';
import { issue } from './types';

/** A Git revision Argo CD can resolve: branch, tag or commit, following git check-ref-format. */
export function gitRevisionProblem(v: string): string | undefined {
  if (v === 'HEAD') return undefined;
  if (!/^[A-Za-z0-9._/+-]+$/.test(v)) return 'must be a branch, tag or commit (letters, digits and . _ / + -; no spaces or control characters)';
  if (/(^|\/)\.|\.\.|\/\/|\.lock(\/|$)|\/$|^\/|\.$|@\{/.test(v)) return 'is not a valid Git ref name (git check-ref-format: no "..", no leading "." or "/", no trailing "/", ".lock" or ".")';
  return undefined;
}

/** The revision rule, run on the whole configuration. */
export function refineGitRevisions(c: any, ctx: z.RefinementCtx): void {
  for (const key of ['targetRevision', 'bootstrapRevision'] as const) {
    const r = c.gitops?.[key];
    const why = typeof r === 'string' ? gitRevisionProblem(r) : undefined;
    if (why) issue(ctx, ['gitops', key], `${why}, got ${JSON.stringify(r)}`);
  }
}
