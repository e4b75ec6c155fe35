/**
 * The Redis password rotation procedure, as data: docs/cache.md shows it rendered as shell commands
 * (`rotationMarkdown`, kept current by a staleness test) and the chaos test
 * (`test/chaos/redis-rotation.test.ts`) performs exactly these steps against real redis-server,
 * redis-sentinel and HAProxy with the generated scripts, writers running.
 *
 * The idea: the ACL `default` user holds BOTH passwords during the switch. Running Redis and Sentinel
 * processes get the new one at runtime (`ACL SETUSER default >NEW`); the Secret then carries the new
 * password plus the old one under `redis.previousPasswordKey`, so any Redis or Sentinel that (re)starts
 * mid-rotation accepts both (start scripts, `auth_lines`) while using the new one itself; every process that
 * reads the password only at start (probes, preStop, exporter, HAProxy, backend) is rolled; only then is the old
 * password removed from the Secret and from every running process (`ACL SETUSER default <OLD`).
 */
import type { Environment } from '../config';
import { BACKEND_DEPLOYMENT } from '../names';
import { HAPROXY_DEPLOYMENT, cacheNames } from './topology';
import { secretSourcesOf } from '../config/secret-sources';

/** my-vault of https://my-vault.vault.azure.net. */
const vaultName = (url: string) => new URL(url).hostname.split('.')[0];

/** What a step's stdin carries: `>NEW` is the ACL rule ">" + the new password, etc. Never on a command line. */
export type Stdin = '>NEW' | '<OLD' | 'OLD';

/** A command run in every Redis pod's container (`kubectl exec -i`), the secret value piped in (redis-cli -x). */
export interface ExecAction {
  kind: 'exec';
  container: 'redis' | 'sentinel';
  /** redis-cli arguments; the Sentinel ones start with `-p 26379`. */
  args: string[];
  stdin: Stdin;
  /** What the reply must be (a regex on redis-cli's output). */
  expect: string;
}

/** The Secret `secrets.redis` changes. */
export interface SecretAction { kind: 'secret'; set: { key: string; value: 'NEW' | 'OLD' }[]; remove: string[] }

/** Rolling restarts (`kubectl rollout restart`), then waiting for them (`kubectl rollout status`). */
export interface RollAction { kind: 'roll'; targets: string[] }

export type RotationAction = ExecAction | SecretAction | RollAction;
export interface RotationStep { title: string; why: string; actions: RotationAction[] }

const SENTINEL = ['-p', '26379'];

export function rotationSteps(env: Environment): RotationStep[] {
  const r = env.config.redis;
  const key = env.config.secrets.redis.key;
  const prev = r.previousPasswordKey;
  const sentinelAuth = r.sentinel.requirePassword;
  const acl = (stdin: Stdin, expect = '^OK$'): ExecAction[] => [
    { kind: 'exec', container: 'redis', args: ['ACL', 'SETUSER', 'default'], stdin, expect },
    ...(sentinelAuth ? [{ kind: 'exec' as const, container: 'sentinel' as const, args: [...SENTINEL, 'ACL', 'SETUSER', 'default'], stdin, expect }] : []),
  ];
  return [
    {
      title: 'Every Redis and Sentinel accepts both passwords',
      why: 'The ACL default user gets a second password at runtime; every client keeps working with the old one.',
      actions: acl('>NEW'),
    },
    {
      title: 'The Secret carries the new password, and the old one as the previous password',
      why: `From now on every container that starts gets NEW; a Redis or Sentinel that (re)starts also accepts OLD (\`${prev}\`), so clients not yet restarted keep working.`,
      actions: [{ kind: 'secret', set: [{ key, value: 'NEW' }, { key: prev, value: 'OLD' }], remove: [] }],
    },
    {
      title: 'Roll everything that reads the password only at start',
      why: 'Redis pods (probes, preStop, exporter, replication, Sentinel; the primary hands over in its preStop), then HAProxy (its health check) together with the backend (its connections).',
      actions: [
        { kind: 'roll', targets: [`statefulset/${cacheNames(env).statefulset}`] },
        { kind: 'roll', targets: [`deployment/${HAPROXY_DEPLOYMENT}`, `deployment/${BACKEND_DEPLOYMENT}`] },
      ],
    },
    {
      title: 'The old password goes: first from the Secret, then from every Redis and Sentinel',
      why: 'In this order, no container that restarts later can bring the old password back.',
      actions: [
        { kind: 'secret', set: [], remove: [prev] },
        ...acl('<OLD'),
      ],
    },
    {
      title: 'Check: the old password is refused everywhere',
      why: `${cacheNames(env).cli} authenticates with the new password (REDISCLI_AUTH of the rolled pods), then tries AUTH with the old one.`,
      actions: [
        { kind: 'exec', container: 'redis', args: ['AUTH'], stdin: 'OLD', expect: '^WRONGPASS' },
        ...(sentinelAuth ? [{ kind: 'exec' as const, container: 'sentinel' as const, args: [...SENTINEL, 'AUTH'], stdin: 'OLD' as const, expect: '^WRONGPASS' }] : []),
      ],
    },
  ];
}

const printf = (s: Stdin) => (s === '>NEW' ? `printf '>%s' "$NEW"` : s === '<OLD' ? `printf '<%s' "$OLD"` : `printf '%s' "$OLD"`);

/** The procedure as shell commands for docs/cache.md. */
export function rotationMarkdown(env: Environment): string {
  const ns = env.config.namespace;
  const secret = env.config.secrets.redis;
  const pods = `$(seq 0 ${env.config.redis.replicas - 1})`;
  const names = cacheNames(env);
  // The Secret's keys as the procedure goes (OLD/NEW stand for the shell variables).
  const state = new Map<string, 'NEW' | 'OLD'>([[secret.key, 'OLD']]);
  const p = env.config.secretsProvider;
  const store = p.type === 'external-secrets' ? p.store : undefined;
  const remoteKey = store ? secretSourcesOf(env).find((s) => s.name === secret.name)!.remoteKey : '';
  const out: string[] = [
    '```sh',
    `NS=${ns}`,
    `OLD=$(kubectl -n $NS get secret ${secret.name} -o jsonpath='{.data.${secret.key}}' | base64 -d)`,
    'NEW=$(openssl rand -hex 32)   # no whitespace, no \'"\' (HAProxy sends it in its check)',
    '```',
    '',
  ];
  rotationSteps(env).forEach((step, n) => {
    out.push(`${n + 1}. **${step.title}.** ${step.why}`, '', '   ```sh');
    for (const a of step.actions) {
      if (a.kind === 'exec') {
        out.push(`   for i in ${pods}; do ${printf(a.stdin)} | kubectl -n $NS exec -i ${names.statefulset}-$i -c ${a.container} -- ${names.cli} --no-auth-warning -x ${a.args.join(' ')}; done   # each: ${a.expect.replace(/^\^|\$$/g, '')}`);
      } else if (a.kind === 'secret') {
        for (const x of a.set) state.set(x.key, x.value);
        for (const k of a.remove) state.delete(k);
        if (store) {
          // With External Secrets the store is the source: the ExternalSecret copies every property of the remote
          // JSON into the Secret (a key patched into the Secret by hand would be reverted at the next refresh).
          const json = `"{${[...state].map(([k, v]) => `\\"${k}\\":\\"$${v}\\"`).join(',')}}"`;
          out.push(store.backend === 'aws-secrets-manager'
            ? `   aws secretsmanager put-secret-value --region ${store.aws!.region} --secret-id ${remoteKey} --secret-string ${json}`
            : `   az keyvault secret set --vault-name ${vaultName(store.azure!.vaultUrl)} --name ${remoteKey} --value ${json}`);
          out.push(`   kubectl -n $NS annotate externalsecret ${secret.name} force-sync=$(date +%s) --overwrite`);
          for (const x of a.set) out.push(`   until [ "$(kubectl -n $NS get secret ${secret.name} -o jsonpath='{.data.${x.key}}' | base64 -d)" = "$${x.value}" ]; do sleep 2; done`);
          for (const k of a.remove) out.push(`   while [ -n "$(kubectl -n $NS get secret ${secret.name} -o jsonpath='{.data.${k}}')" ]; do sleep 2; done`);
        } else {
          const patch = a.set.length
            ? `{"stringData":{${a.set.map((x) => `"${x.key}":"'"$${x.value}"'"`).join(',')}}}`
            : `{"data":{${a.remove.map((k) => `"${k}":null`).join(',')}}}`;
          out.push(`   kubectl -n $NS patch secret ${secret.name} --type merge -p '${patch}'`);
        }
      } else {
        out.push(`   kubectl -n $NS rollout restart ${a.targets.join(' ')}`);
        for (const t of a.targets) out.push(`   kubectl -n $NS rollout status ${t} --timeout=15m`);
      }
    }
    out.push('   ```', '');
  });
  return out.join('\n');
}
