/** Whether a URL or a query string carries a credential (a password, a token as user name, a secret parameter). */

/** Query parameter names that carry a credential (compared lower-case, `-` as `_`). */
const CREDENTIAL_PARAMETERS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'sslpassword', 'secret', 'client_secret', 'token', 'access_token', 'auth_token',
  'private_token', 'id_token', 'refresh_token', 'key', 'api_key', 'apikey', 'access_key', 'secret_key', 'auth',
  'credential', 'credentials', 'sig', 'signature', 'x_amz_signature', 'x_amz_credential', 'x_amz_security_token',
]);

/** Why a query string holds a credential (the first such parameter), or undefined. */
export function credentialParameterOf(query: string): string | undefined {
  for (const [name] of new URLSearchParams(query)) {
    if (CREDENTIAL_PARAMETERS.has(name.toLowerCase().replace(/-/g, '_'))) return name;
  }
  return undefined;
}

/**
 * Why a URL in the config carries a credential, or undefined: a password (`user:token@`), a user name on
 * http(s) (a token passed as the user, `https://ghp_...@github.com`), or a credential-looking query parameter.
 * SSH user names (`git@github.com:...`, `ssh://git@...`) are not secrets.
 */
export function urlCredentialProblem(value: string): string | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  let u: URL;
  try { u = new URL(value); } catch { return undefined; }
  if (u.password) return 'holds a password or token in the URL (user:secret@)';
  if (u.username && /^https?:$/.test(u.protocol)) return 'holds a user name in an http(s) URL (where a token usually goes: https://token@host)';
  const p = credentialParameterOf(u.search);
  if (p) return `holds a credential-looking query parameter "${p}="`;
  return undefined;
}
