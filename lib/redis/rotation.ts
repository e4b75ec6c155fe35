/**
 * The password rotation procedure of one ACL user of the cache (lib/redis/acl.ts), as data: docs/cache.md shows it
 * rendered as shell commands (`rotationMarkdown`, kept current by a staleness test) and the chaos test
 * (`test/chaos/redis-rotation.test.ts`) performs exactly these steps, for every user at once, against real
 * redis-server, redis-sentinel and HAProxy with the generated scripts, writers running.
 *
 * The idea: the user holds BOTH passwords during the switch. Running Redis and Sentinel processes get the new one
 * at runtime (`ACL SETUSER <user> >NEW`, run as the admin user); the Secret then carries the new password plus the
 * old one under the user's previous key, so any Redis or Sentinel that (re)starts mid-rotation accepts both (start
 * scripts, `acl_lines`) while using the new one itself; every process that reads the password only at start
 * (probes, preStop, exporter, HAProxy, backend) is rolled; only then is the old password removed from the Secret and
 * from every running process (`ACL SETUSER <user> <OLD`).
 */
import type { Environment } from '../config';
import { BACKEND_DEPLOYMENT } from '../names';
import { HAPROXY_DEPLOYMENT, cacheNames } from './topology';
import { cliCommand } from './tls';
import { ADMIN_USER, BACKEND_USER, CACHE_USERS, type CacheUser, SENTINEL_USERS, userPreviousKey, userSecretKey } from './users';
import { secretSourcesOf } from '../config/secret-sources';

/** my-vault of https://my-vault.vault.azure.net. */
const vaultName = (url: string) => new URL(url).hostname.split('.')[0];

/** What a step's stdin carries: `>NEW` is the ACL rule ">" + the new password, etc. Never on a command line. */
export type Stdin = '>NEW' | '<OLD' | 'OLD';

/**
 * A command run in every Redis pod's container (`kubectl exec -i`) by redis-cli as the admin user (REDISCLI_AUTH of
 * the container), the secret value piped in (redis-cli -x).
 */
export interface ExecAction {
  kind: 'exec';
  /** The user whose password the step changes or checks (NEW and OLD are its passwords). */
  user: CacheUser;
  container: 'redis' | 'sentinel';
  /** redis-cli arguments after `--user admin --no-auth-warning -x`; the Sentinel ones start with `-p 26379`. */
  args: string[];
  stdin: Stdin;
  /** What the reply must be (a regex on redis-cli's output). */
  expect: string;
}

/** The Secret `secrets.redis` changes (NEW and OLD: the user's passwords). */
export interface SecretAction { kind: 'secret'; user: CacheUser; set: { key: string; value: 'NEW' | 'OLD' }[]; remove: string[] }

/** Rolling restarts, then waiting for them: `deployment/x`, `statefulset/x` (kubectl) or `rollout/x` (Argo Rollouts). */
export interface RollAction { kind: 'roll'; targets: string[] }

export type RotationAction = ExecAction | SecretAction | RollAction;
export interface RotationStep { title: string; why: string; actions: RotationAction[] }

const SENTINEL = ['-p', '26379'];

/** The rotation of `user`'s password (default: the backend's, REDIS_PASSWORD). */
export function rotationSteps(env: Environment, user: CacheUser = BACKEND_USER): RotationStep[] {
  const r = env.config.redis;
  const key = userSecretKey(env.config, user);
  const prev = userPreviousKey(env.config, user);
  // Sentinel knows only some users, and only when it requires a password at all.
  const sentinelAuth = r.sentinel.requirePassword && SENTINEL_USERS.includes(user);
  const acl = (stdin: Stdin, expect = '^OK$'): ExecAction[] => [
    { kind: 'exec', user, container: 'redis', args: ['ACL', 'SETUSER', user], stdin, expect },
    ...(sentinelAuth ? [{ kind: 'exec' as const, user, container: 'sentinel' as const, args: [...SENTINEL, 'ACL', 'SETUSER', user], stdin, expect }] : []),
  ];
  return [
    {
      title: 'Every Redis and Sentinel accepts both passwords',
      why: 'The user gets a second password at runtime; every client keeps working with the old one.',
      actions: acl('>NEW'),
    },
    {
      title: 'The Secret carries the new password, and the old one as the previous password',
      why: 'From now on every container that starts gets NEW; a Redis or Sentinel that (re)starts also accepts OLD (the previous key), so clients not yet restarted keep working.',
      actions: [{ kind: 'secret', user, set: [{ key, value: 'NEW' }, { key: prev, value: 'OLD' }], remove: [] }],
    },
    {
      title: 'Roll everything that reads the password only at start',
      why: 'Redis pods (probes, preStop, exporter, replication, Sentinel; the primary hands over in its preStop), then HAProxy (its health check) together with the backend (its connections).',
      actions: [
        { kind: 'roll', targets: [`statefulset/${cacheNames(env).statefulset}`] },
        // A canary environment's backend is an Argo Rollouts Rollout, which `kubectl rollout` does not know.
        { kind: 'roll', targets: [`deployment/${HAPROXY_DEPLOYMENT}`, `${env.config.delivery.strategy === 'canary' ? 'rollout' : 'deployment'}/${BACKEND_DEPLOYMENT}`] },
      ],
    },
    {
      title: 'The old password goes: first from the Secret, then from every Redis and Sentinel',
      why: 'In this order, no container that restarts later can bring the old password back.',
      actions: [
        { kind: 'secret', user, set: [], remove: [prev] },
        ...acl('<OLD'),
      ],
    },
    {
      title: 'Check: the old password is refused everywhere',
      why: `${cacheNames(env).cli} authenticates as the admin user (REDISCLI_AUTH of the rolled pods), then tries AUTH as the user with the old password.`,
      actions: [
        { kind: 'exec', user, container: 'redis', args: ['AUTH', user], stdin: 'OLD', expect: '^WRONGPASS' },
        ...(sentinelAuth ? [{ kind: 'exec' as const, user, container: 'sentinel' as const, args: [...SENTINEL, 'AUTH', user], stdin: 'OLD' as const, expect: '^WRONGPASS' }] : []),
      ],
    },
  ];
}

const printf = (s: Stdin) => (s === '>NEW' ? `printf '>%s' "$NEW"` : s === '<OLD' ? `printf '<%s' "$OLD"` : `printf '%s' "$OLD"`);

/** The procedure as shell commands for docs/cache.md: for any user (shell variables U, KEY, PREV), with the table of users. */
export function rotationMarkdown(env: Environment): string {
  const ns = env.config.namespace;
  const secret = env.config.secrets.redis;
  const pods = `$(seq 0 ${env.config.redis.replicas - 1})`;
  const names = cacheNames(env);
  const p = env.config.secretsProvider;
  const store = p.type === 'external-secrets' ? p.store : undefined;
  const remoteKey = store ? secretSourcesOf(env).find((s) => s.name === secret.name)!.remoteKey : '';
  const sentinelUsers = env.config.redis.sentinel.requirePassword ? SENTINEL_USERS : [];
  const out: string[] = [
    '| user (`U`) | Secret key (`KEY`) | previous key during the rotation (`PREV`) | also on the Sentinels |',
    '| --- | --- | --- | --- |',
    ...CACHE_USERS.map((u) => `| \`${u}\` | \`${userSecretKey(env.config, u)}\` | \`${userPreviousKey(env.config, u)}\` | ${sentinelUsers.includes(u) ? 'yes' : 'no (skip the `-c sentinel` lines)'} |`),
    '',
    '```sh',
    `NS=${ns}`,
    `U=${BACKEND_USER} KEY=${userSecretKey(env.config, BACKEND_USER)} PREV=${userPreviousKey(env.config, BACKEND_USER)}   # the user whose password changes (table above)`,
    `OLD=$(kubectl -n $NS get secret ${secret.name} -o jsonpath="{.data.$KEY}" | base64 -d)`,
    'NEW=$(openssl rand -hex 32)   # no whitespace, no \'"\' (HAProxy sends it in its check)',
    '```',
    '',
  ];
  // With External Secrets the store is the source: the ExternalSecret copies every property of the remote JSON
  // into the Secret (a key patched into the Secret by hand would be reverted at the next refresh), so the steps
  // change the remote JSON (every other user's password kept) and force a refresh.
  const remote = (jq: string, args: string): string[] => {
    const edit = `"$(printf '%s' "$CUR" | jq -c ${args} '${jq}')"`;
    return store!.backend === 'aws-secrets-manager'
      ? [`   CUR=$(aws secretsmanager get-secret-value --region ${store!.aws!.region} --secret-id ${remoteKey} --query SecretString --output text)`,
        `   aws secretsmanager put-secret-value --region ${store!.aws!.region} --secret-id ${remoteKey} --secret-string ${edit}`]
      : [`   CUR=$(az keyvault secret show --vault-name ${vaultName(store!.azure!.vaultUrl)} --name ${remoteKey} --query value -o tsv)`,
        `   az keyvault secret set --vault-name ${vaultName(store!.azure!.vaultUrl)} --name ${remoteKey} --value ${edit}`];
  };
  rotationSteps(env, BACKEND_USER).forEach((step, n) => {
    out.push(`${n + 1}. **${step.title}.** ${step.why}`, '', '   ```sh');
    for (const a of step.actions) {
      if (a.kind === 'exec') {
        const args = a.args.map((x) => (x === a.user ? '$U' : x)).join(' ');
        out.push(`   for i in ${pods}; do ${printf(a.stdin)} | kubectl -n $NS exec -i ${names.statefulset}-$i -c ${a.container} -- ${cliCommand(env).join(' ')} --user ${ADMIN_USER} --no-auth-warning -x ${args}; done   # each: ${a.expect.replace(/^\^|\$$/g, '')}`);
      } else if (a.kind === 'secret') {
        const key = userSecretKey(env.config, a.user);
        const v = (k: string) => (k === key ? '$KEY' : '$PREV');
        if (store) {
          out.push(...(a.set.length
            ? remote(a.set.map((x) => `.[${x.key === key ? '$k' : '$pk'}] = ${x.value === 'NEW' ? '$new' : '$old'}`).join(' | '), '--arg k "$KEY" --arg pk "$PREV" --arg new "$NEW" --arg old "$OLD"')
            : remote('del(.[$pk])', '--arg pk "$PREV"')));
          out.push(`   kubectl -n $NS annotate externalsecret ${secret.name} force-sync=$(date +%s) --overwrite`);
          for (const x of a.set) out.push(`   until [ "$(kubectl -n $NS get secret ${secret.name} -o jsonpath="{.data.${v(x.key)}}" | base64 -d)" = "$${x.value}" ]; do sleep 2; done`);
          for (const k of a.remove) out.push(`   while [ -n "$(kubectl -n $NS get secret ${secret.name} -o jsonpath="{.data.${v(k)}}")" ]; do sleep 2; done`);
        } else {
          const patch = a.set.length
            ? `{"stringData":{${a.set.map((x) => `"'"${v(x.key)}"'":"'"$${x.value}"'"`).join(',')}}}`
            : `{"data":{${a.remove.map((k) => `"'"${v(k)}"'":null`).join(',')}}}`;
          out.push(`   kubectl -n $NS patch secret ${secret.name} --type merge -p '${patch}'`);
        }
      } else {
        // Deployments and StatefulSets with kubectl; a Rollout with the Argo Rollouts plugin (its restart replaces
        // the pods in place, without canary steps: docs/delivery.md, release commands by strategy).
        const plain = a.targets.filter((t) => !t.startsWith('rollout/'));
        const rollouts = a.targets.filter((t) => t.startsWith('rollout/')).map((t) => t.slice('rollout/'.length));
        if (plain.length > 0) out.push(`   kubectl -n $NS rollout restart ${plain.join(' ')}`);
        for (const r of rollouts) out.push(`   kubectl argo rollouts -n $NS restart ${r}`);
        for (const t of plain) out.push(`   kubectl -n $NS rollout status ${t} --timeout=15m`);
        for (const r of rollouts) out.push(`   kubectl argo rollouts -n $NS status ${r} --timeout 15m`);
      }
    }
    out.push('   ```', '');
  });
  return out.join('\n');
}
