/**
 * The secret set-up in docs/secrets.md, generated from config (between `<!-- secrets:start -->` and
 * `<!-- secrets:end -->`): for each environment with pre-created Secrets the exact `kubectl create secret`
 * commands, and for each environment with the External Secrets Operator the remote secrets its store must
 * hold. `npm run docs` rewrites it; a test fails when it is stale.
 */
import type { Environment } from '../config';
import { manualSecretCommand, manualSecretsOf, precreateCommands, secretSourcesOf } from '../config/secret-sources';

export const SECRETS_START = '<!-- secrets:start -->';
export const SECRETS_END = '<!-- secrets:end -->';

function storeOf(env: Environment): string {
  const s = env.config.secretsProvider.store;
  return s.backend === 'aws-secrets-manager'
    ? `AWS Secrets Manager in \`${s.aws!.region}\` (IRSA role \`${s.aws!.roleArn}\`)`
    : `Azure Key Vault \`${s.azure!.vaultUrl}\` (workload identity, client id \`${s.azure!.clientId}\`)`;
}

/** The generated Markdown (without the markers). */
export function secretsSection(envs: Environment[]): string {
  const out: string[] = [];
  for (const env of envs) {
    const p = env.config.secretsProvider;
    if (p.type === 'precreated') {
      out.push(`**${env.name}** (\`secretsProvider.type: precreated\`): create them before the first apply,`,
        'replacing the placeholders (the `openssl` ones generate a random value):', '',
        '```bash', ...precreateCommands(env), '```', '');
    } else {
      out.push(`**${env.name}** (\`secretsProvider.type: external-secrets\`): \`05-secrets.yaml\` has a ${p.store.kind} \`${p.store.name}\` for`,
        `${storeOf(env)} and one ExternalSecret per Secret, refreshed every \`${p.refreshInterval}\`. The store must hold:`, '',
        '| remote secret | becomes Secret | value |', '| --- | --- | --- |',
        ...secretSourcesOf(env).map((s) => `| \`${s.remoteKey}\` | \`${s.name}\` | ${s.optionalKeys?.length
          ? `JSON with the properties ${s.keys.map((k) => `\`${k}\``).join(', ')} (and ${s.optionalKeys.map((k) => `\`${k}\``).join(', ')} only during a password rotation: [cache.md](cache.md#password-rotation-without-an-outage)); every property becomes a key`
          : s.keys.length === 1
            ? `the value of key \`${s.keys[0]}\` (plain text)`
            : `JSON with the properties ${s.keys.map((k) => `\`${k}\``).join(', ')}`} |`),
        '');
      const manual = manualSecretsOf(env);
      if (manual.length > 0) {
        out.push('Created by hand in any case (an image pull Secret or a CA key is not synced from the store):', '',
          '```bash', ...manual.map((s) => manualSecretCommand(env, s)), '```', '');
      }
    }
  }
  return out.join('\n');
}

/** docs/secrets.md with its generated secrets section replaced. */
export function withSecretsSection(readme: string, envs: Environment[]): string {
  const start = readme.indexOf(SECRETS_START);
  const end = readme.indexOf(SECRETS_END);
  if (start < 0 || end < start) throw new Error(`docs/secrets.md: markers ${SECRETS_START} and ${SECRETS_END} not found`);
  return `${readme.slice(0, start + SECRETS_START.length)}\n${secretsSection(envs)}${readme.slice(end)}`;
}
