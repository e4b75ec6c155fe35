/**
 * Rules over every string of an environment's configuration, keys included: no control characters, and no
 * credential in a URL or a connection query (every value is written in plain text to dist/ and git).
 */
import type { z } from 'zod';
import { issue } from './types';
import { credentialParameterOf, urlCredentialProblem } from './url-credentials';

/** Every string in the config, keys included, with its key path. */
export function* stringsOf(v: unknown, p: PropertyKey[] = []): Generator<[PropertyKey[], string]> {
  if (typeof v === 'string') yield [p, v];
  else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) yield* stringsOf(v[i], [...p, i]);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      yield [[...p, k], k];
      yield* stringsOf(x, [...p, k]);
    }
  }
}

/** The string rules, run on the whole configuration. */
export function refineStringValues(c: any, ctx: z.RefinementCtx): void {
  // Control characters: every string lands in a header, a path, a script or a config file somewhere.
  for (const [p, s] of stringsOf(c)) {
    // eslint-disable-next-line no-control-regex
    const bad = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.exec(s);
    if (bad) issue(ctx, p, `contains the control character U+${bad[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} (newline, tab, ...); it would break the header, path, script or config file it ends up in (allowed: printable characters only)`);
  }
  // Credentials in URLs and connection queries: every config value ends up in dist/ (and in git), where
  // anyone who can read the repository or the objects reads them. Secrets come from Secrets (docs/secrets.md).
  for (const [p, s] of stringsOf(c)) {
    const why = urlCredentialProblem(s);
    if (why && p.length > 0 && s !== p[p.length - 1]) {
      const hint = p.join('.') === 'gitops.repoURL' ? 'give Argo CD the repository credentials as a repository Secret in its namespace' : 'pass the credential through a Secret';
      issue(ctx, p, `${why}; it would be written in plain text to dist/ and git (allowed: the URL without credentials; ${hint})`);
    }
  }
  const query = c.database?.cloudnativePg?.connectionQuery;
  const qp = typeof query === 'string' ? credentialParameterOf(query) : undefined;
  if (qp) issue(ctx, ['database', 'cloudnativePg', 'connectionQuery'], `holds a credential-looking parameter "${qp}=": DATABASE_URL is written in plain text to dist/ and git (allowed: connection options such as connect_timeout=10; the password comes from the role's Secret)`);
}
