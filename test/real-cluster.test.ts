/**
 * What a real cluster needs on day one (probes, spread, the edge's /metrics, in-cluster calls, migrations, the API
 * URL, issuers, the preflight, pull Secrets, the connection budget): each asserted on the generated objects of every
 * environment, and each config rule by changing a value and watching the output (or the refusal) follow.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadEnvironments, parseConfig } from '../lib/config';
import { frontendApiUrlProblems } from '../lib/config/frontend-api-url';
import { passes, preflightChecks } from '../lib/preflight';
import { SYNC_WAVE, WAVES } from '../lib/output/sync-waves';
import { contextOf, formatFinding, validateObjects } from '../lib/validate';
import { FIXTURES, environment, environments, find, inlineEnvironment, objectsOf, podSpecs, topologySpreads, workloadOf } from './helpers';

const ENVS = environments();
const production = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');
const onprem = fs.readFileSync(path.join(FIXTURES, 'onprem.yaml'), 'utf8');
const prod = (edit: (t: string) => string) => inlineEnvironment('production', edit(production));
const refusal = (yaml: string, file = 'config/production.yaml'): string => {
  try { parseConfig(file, yaml); } catch (e) { return (e as Error).message; }
  return '';
};
const deployments = (objects: Record<string, any>[]) => objects.filter((o) => o.kind === 'Deployment');

describe.each(ENVS.map((e) => [e.name, e] as const))('%s', (_n, env) => {
  const objects = objectsOf(env);

  test('no liveness probe calls the readiness path; serving containers have a startup probe', () => {
    for (const d of deployments(objects)) {
      for (const c of d.spec.template.spec.containers) {
        const live = c.livenessProbe;
        const ready = c.readinessProbe;
        expect({ d: d.metadata.name, live: !!live, ready: !!ready }).toEqual({ d: d.metadata.name, live: true, ready: true });
        if (live.httpGet && ready.httpGet) expect({ d: d.metadata.name, same: live.httpGet.path === ready.httpGet.path && d.metadata.name === 'backend' }).toEqual({ d: d.metadata.name, same: false });
      }
    }
    for (const name of ['backend', 'frontend']) {
      const c = workloadOf(objects, name).spec.template.spec.containers[0];
      expect(c.livenessProbe.tcpSocket).toEqual({ port: 'http' });
      expect(c.startupProbe).toMatchObject({ tcpSocket: { port: 'http' } });
      expect(c.readinessProbe.httpGet.path).toBe(env.config[name as 'backend' | 'frontend'].healthPath);
    }
  });

  test('every topology spread the output defines honours taints and node affinity (operator pod templates too), hard/soft from pod.spread', () => {
    // Wherever a topologySpreadConstraints list sits: our pod templates, and the ones operators turn into pods
    // (CloudNativePG Cluster.spec, Pooler.spec.template.spec).
    const spreads = topologySpreads(objects);
    expect(spreads.length).toBeGreaterThan(2);
    if (env.config.database.mode === 'cloudnative-pg') {
      expect(spreads.map((s) => s.owner)).toEqual(expect.arrayContaining([expect.stringMatching(/^Cluster\//), expect.stringMatching(/^Pooler\//)]));
    }
    for (const { owner, at, constraints } of spreads) {
      for (const t of constraints) {
        expect({ owner, at, taints: t.nodeTaintsPolicy, affinity: t.nodeAffinityPolicy }).toEqual({ owner, at, taints: 'Honor', affinity: 'Honor' });
      }
    }
    const backend = workloadOf(objects, 'backend').spec.template.spec.topologySpreadConstraints;
    expect(backend.map((t: any) => t.whenUnsatisfiable)).toEqual([
      env.config.pod.spread.nodes === 'hard' ? 'DoNotSchedule' : 'ScheduleAnyway',
      env.config.pod.spread.zones === 'hard' ? 'DoNotSchedule' : 'ScheduleAnyway',
    ]);
  });

  test('no edge rule routes /metrics to a port that serves it', () => {
    const ingresses = objects.filter((o) => o.kind === 'Ingress');
    const metrics = env.config.backend.metricsPath;
    for (const ing of ingresses) {
      const rewritten = ing.metadata.annotations?.['nginx.ingress.kubernetes.io/rewrite-target'];
      for (const r of ing.spec.rules) {
        if (r.host !== env.config.ingress.apiHost) continue;
        for (const p of r.http.paths) {
          const toMetricsPort = env.config.backend.metricsPort !== undefined && p.backend.service.port.number === env.config.backend.metricsPort;
          expect(toMetricsPort).toBe(false);
          if (p.path.startsWith(metrics)) expect(rewritten).toBe('/__not_found__');
        }
      }
    }
    if (env.config.backend.metricsPort === undefined && env.config.edge.kind === 'ingress') {
      const block = find(objects, 'Ingress', 'pensioen-metrics-block');
      // /metrics first, then backend.privatePaths (test/private-paths.test.ts)
      expect(block.spec.rules[0].http.paths.slice(0, 2).map((p: any) => [p.path, p.pathType])).toEqual([[metrics, 'Exact'], [`${metrics}/`, 'Prefix']]);
    }
  });

  test('the frontend reaches the backend inside the cluster; the backend admits it', () => {
    const fe = find(objects, 'NetworkPolicy', 'frontend');
    const be = find(objects, 'NetworkPolicy', 'backend');
    const backendSel = workloadOf(objects, 'backend').spec.selector.matchLabels;
    const frontendSel = workloadOf(objects, 'frontend').spec.selector.matchLabels;
    expect(fe.spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: backendSel } }], ports: [{ protocol: 'TCP', port: env.config.backend.port }] });
    expect(be.spec.ingress).toContainEqual({ from: [{ podSelector: { matchLabels: frontendSel } }], ports: [{ protocol: 'TCP', port: env.config.backend.port }] });
    for (const cidr of env.config.network.ingressControllerNodeCidrs) expect(be.spec.ingress[0].from).toContainEqual({ ipBlock: { cidr } });
  });

  test('the migration Job runs the backend image, hardened, bounded, before the workloads', () => {
    const jobs = objects.filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'));
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    const backend = workloadOf(objects, 'backend').spec.template.spec;
    const c = job.spec.template.spec.containers[0];
    expect(c.image).toBe(backend.containers[0].image);
    // migrations.command as given, behind the rollback guard (proven with Alembic and PostgreSQL in schema-wait.tools.test.ts)
    expect(c.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(c.command.slice(3)).toEqual(['migrate', 'alembic', 'upgrade', 'head']);
    expect(c.env.find((e: any) => e.name === 'DATABASE_URL')).toEqual(backend.containers[0].env.find((e: any) => e.name === 'DATABASE_URL'));
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(job.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400 });
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.automountServiceAccountToken).toBe(false);
    if (env.config.gitops.enabled) {
      expect(job.metadata.name).toBe('backend-migrate');
      expect(job.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation', [SYNC_WAVE]: String(WAVES.migrations) });
      expect(Number(job.metadata.annotations[SYNC_WAVE])).toBeLessThan(Number(workloadOf(objects, 'backend').metadata.annotations[SYNC_WAVE]));
    } else {
      expect(job.metadata.name).toMatch(/^backend-migrate-1-0-0-[0-9a-f]{8}$/);
      expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBeUndefined();
      expect(job.__file < workloadOf(objects, 'backend').__file).toBe(true);
    }
    // The Job's own policy: DNS and PostgreSQL only; nothing selects it but that policy.
    const np = find(objects, 'NetworkPolicy', 'backend-migrate');
    expect(np.spec.podSelector.matchLabels).toEqual(Object.fromEntries(Object.entries(job.spec.template.metadata.labels).filter(([k]) => ['app', 'app.kubernetes.io/name', 'app.kubernetes.io/instance'].includes(k))));
    // Managed: the database's CIDRs; CloudNativePG: the PgBouncer pods, like the backend (test/database-network-policies.test.ts).
    if (env.config.database.mode === 'managed') expect(np.spec.egress[1].to).toEqual(env.config.network.databaseCidrs.map((cidr) => ({ ipBlock: { cidr } })));
    else expect(np.spec.egress[1].to).toEqual([{ podSelector: { matchExpressions: [{ key: 'cnpg.io/poolerName', operator: 'In', values: ['pensioen-db-pooler-rw'] } ] } }]);
    // A failed migration stalls the rollout: new backend pods wait for the schema.
    expect(backend.initContainers.map((i: any) => i.name)).toEqual(['wait-for-schema']);
    expect(backend.initContainers[0].command.join(' ')).toContain('alembic current');
  });

  test('NEXT_PUBLIC_API_URL is the API host of the environment', () => {
    const c = workloadOf(objects, 'frontend').spec.template.spec.containers[0];
    expect(c.env.find((e: any) => e.name === 'NEXT_PUBLIC_API_URL').value).toBe(`https://${env.config.ingress.apiHost}`);
  });

  test('the edge\'s issuer exists and an internal edge never uses HTTP-01', () => {
    const issuers = objects.filter((o) => o.kind === 'ClusterIssuer' || o.kind === 'Issuer');
    // The edge's certificate request: the Ingress annotation, a generated Gateway's annotation, or explicit Certificates.
    const edge = objects.find((o) => o.kind === 'Ingress' || o.kind === 'Gateway');
    const cert = objects.find((o) => o.kind === 'Certificate');
    const a = edge?.metadata.annotations?.['cert-manager.io/cluster-issuer'] || edge?.metadata.annotations?.['cert-manager.io/issuer']
      ? edge!.metadata.annotations
      : { [`cert-manager.io/${cert!.spec.issuerRef.kind === 'Issuer' ? 'issuer' : 'cluster-issuer'}`]: cert!.spec.issuerRef.name };
    const used = issuers.find((i) => i.metadata.name === (a['cert-manager.io/cluster-issuer'] ?? a['cert-manager.io/issuer']));
    expect(used).toBeDefined();
    expect(used!.kind).toBe(a['cert-manager.io/issuer'] ? 'Issuer' : 'ClusterIssuer');
    if (env.config.ingress.exposure === 'internal') for (const i of issuers) expect(i.spec.acme?.solvers?.some((s: any) => s.http01)).toBeFalsy();
  });

  test('the preflight checks every CRD by name, metrics-server, the ingress class, namespaces and 429', () => {
    const checks = preflightChecks(env, objects);
    const cmd = checks.map((c) => c.command).join('\n');
    const crdKinds = new Set(objects.filter((o) => o.apiVersion.includes('.') && !o.apiVersion.includes('k8s.io')).map((o) => o.kind));
    if (crdKinds.has('PrometheusRule')) expect(cmd).toContain('prometheusrules.monitoring.coreos.com');
    if (crdKinds.has('Issuer')) expect(cmd).toContain('issuers.cert-manager.io');
    if (crdKinds.has('ClusterIssuer')) expect(cmd).toContain('clusterissuers.cert-manager.io');
    if (crdKinds.has('ExternalSecret')) expect(cmd).toContain('externalsecrets.external-secrets.io');
    expect(cmd).not.toContain('<no pinned CRD');
    expect(cmd).toContain('kubectl get apiservice v1beta1.metrics.k8s.io');
    if (env.config.edge.kind === 'ingress') {
      expect(cmd).toContain(`kubectl get ingressclass ${env.config.ingress.className}`);
      const rate = checks.find((c) => c.command.includes('limit-req-status-code'))!;
      expect(rate.command).toBe(`kubectl -n ${env.config.network.ingressControllerNamespace} get configmap ingress-nginx-controller -o jsonpath='{.data.limit-req-status-code}'`);
      expect(passes(rate, 0, '429\n')).toBe(true);
      expect(passes(rate, 0, '503')).toBe(false);
    } else {
      const gateways = objects.filter((o) => o.kind === 'Gateway');
      for (const g of gateways) expect(cmd).toContain(`kubectl get gatewayclass ${g.spec.gatewayClassName}`);
      if (gateways.length === 0) expect(cmd).toMatch(/kubectl -n \S+ get gateway \S+/);
    }
    expect(cmd).toContain(`kubectl get namespace `);
    expect(cmd).toContain(env.config.certManager.namespace);
    const metrics = checks.find((c) => c.command.includes('apiservice'))!;
    expect(passes(metrics, 0, 'True')).toBe(true);
    expect(passes(metrics, 0, 'False')).toBe(false);
    expect(passes(metrics, 1, 'True')).toBe(false);
    const version = checks[0];
    expect(passes(version, 0, '{"serverVersion": {"major": "1", "minor": "30", "gitVersion": "v1.30.2"}}')).toBe(true);
    expect(passes(version, 0, '{"serverVersion": {"major": "1", "minor": "29", "gitVersion": "v1.29.9"}}')).toBe(false);
    // The database's Secret when it is managed; with CloudNativePG the operator writes it, the backup keys are checked.
    const dbSecret = env.config.database.mode === 'managed' ? env.config.secrets.database.name : env.config.database.cloudnativePg!.backup.objectStore.credentials.secretName;
    if (env.config.secretsProvider.type === 'precreated') expect(cmd).toMatch(new RegExp(`kubectl -n ${env.config.namespace} get secret .*${dbSecret}`));
  });
});

describe('config rules (change a value, the output or the refusal follows)', () => {
  test('the on-prem object store\'s private CA: on the ObjectStore, and the preflight checks its Secret holds a certificate', () => {
    const env = inlineEnvironment('onprem', onprem);
    const store = find(objectsOf(env), 'ObjectStore', 'pensioen-db-backups');
    expect(store.spec.configuration.endpointCA).toEqual({ name: 'object-store-ca', key: 'ca.crt' });
    const check = preflightChecks(env, objectsOf(env)).find((c) => c.what.includes('endpointCA'))!;
    expect(check.command).toBe(`kubectl -n ${env.config.namespace} get secret object-store-ca -o jsonpath='{.data.ca\\.crt}' | base64 -d | grep -c -- '-----BEGIN CERTIFICATE-----'`);
    expect(passes(check, 0, '1\n')).toBe(true);
    expect(passes(check, 0, '2')).toBe(true);
    expect(passes(check, 1, '0\n')).toBe(false);
    // Without the option: no endpointCA on the ObjectStore, no check.
    const without = inlineEnvironment('onprem', onprem.replace(/\n\s+# The endpoint's certificate[^\n]*\n[^\n]*\n\s+endpointCA:\n\s+name: object-store-ca\n\s+key: ca.crt/, ''));
    expect(find(objectsOf(without), 'ObjectStore', 'pensioen-db-backups').spec.configuration.endpointCA).toBeUndefined();
    expect(preflightChecks(without, objectsOf(without)).some((c) => c.what.includes('endpointCA'))).toBe(false);
  });

  test('liveness.path turns the TCP check into a dependency-free HTTP GET; startup timing follows config', () => {
    const env = prod((t) => t.replace('backend:\n', 'backend:\n  livenessProbe: { path: /livez }\n  startupProbe: { failureThreshold: 60 }\n'));
    const c = workloadOf(objectsOf(env), 'backend').spec.template.spec.containers[0];
    expect(c.livenessProbe.httpGet).toMatchObject({ path: '/livez', port: 'http' });
    expect(c.startupProbe).toMatchObject({ httpGet: { path: '/livez' }, failureThreshold: 60 });
  });

  test('pod.spread soft/hard changes whenUnsatisfiable', () => {
    const env = prod((t) => `pod:\n  spread: { nodes: soft, zones: hard }\n${t}`);
    const t = workloadOf(objectsOf(env), 'backend').spec.template.spec.topologySpreadConstraints;
    expect(t.map((x: any) => x.whenUnsatisfiable)).toEqual(['ScheduleAnyway', 'DoNotSchedule']);
  });

  test('pod.imagePullSecrets reaches every pod and no Secret is created', () => {
    const objects = objectsOf(prod((t) => `pod:\n  imagePullSecrets: [ghcr-pull]\n${t}`));
    const specs = podSpecs(objects);
    expect(specs.length).toBeGreaterThan(3);
    for (const { owner, spec } of specs) expect({ owner, s: spec.imagePullSecrets }).toEqual({ owner, s: [{ name: 'ghcr-pull' }] });
    expect(objects.filter((o) => o.kind === 'Secret' || (o.kind === 'ExternalSecret' && o.metadata.name === 'ghcr-pull'))).toEqual([]);
    expect(podSpecs(objectsOf('production')).every((p) => p.spec.imagePullSecrets === undefined)).toBe(true);
  });

  test('the connection budget refuses a pool that does not fit, with the numbers', () => {
    const msg = refusal(production.replace('databasePool: { size: 10, maxOverflow: 20', 'databasePool: { size: 20, maxOverflow: 40'));
    expect(msg).toBe('config/production.yaml: backend.databasePool: the backend may open 780 connections (backend.autoscaling.maxReplicas 10 + 3 rollout surge = 13 pods x (size 20 + maxOverflow 40)) but database.maxConnections 450 - reservedConnections 30 leaves 420 (allowed: lower the pool, maxOverflow or maxReplicas, or raise database.maxConnections)');
    expect(refusal(production.replace('maxConnections: 450', 'maxConnections: 800'))).toBe('');
    expect(refusal(production.replace('maxConnections: 450', 'maxConnections: 419'))).toMatch(/may open 390 connections .* leaves 389/);
  });

  test('an internal edge cannot use HTTP-01; the issuer must exist; DNS-01 providers and CA render', () => {
    expect(refusal(onprem.replace('clusterIssuer: pensioen-internal-ca', 'clusterIssuer: letsencrypt-prod'), 'config/onprem.yaml'))
      .toBe('config/onprem.yaml: ingress.clusterIssuer: "letsencrypt-prod" is not an issuer in certManager.issuers (allowed: pensioen-internal-ca)');
    const http01 = onprem.replace(/    - name: pensioen-internal-ca\n      kind: Issuer\n      type: ca\n      secretName: pensioen-ca\n(      [#c].*\n|        .*\n)*/,
      '    - name: pensioen-internal-ca\n      type: acme-http01\n      email: a@b.nl\n');
    expect(refusal(http01, 'config/onprem.yaml')).toMatch(/^config\/onprem\.yaml: ingress\.clusterIssuer: "pensioen-internal-ca" solves ACME HTTP-01, .* but ingress\.exposure is internal \(allowed: an issuer of type acme-dns01, ca, vault, or a private ACME CA inside the network with caBundle\)/);
    const dns = (solver: string) => prod((t) => t.replace('certManager:\n  email: infrastructure@pensioen-beslissingstool.nl\n',
      `certManager:\n  email: infrastructure@pensioen-beslissingstool.nl\n  issuers:\n    - { name: letsencrypt-prod, type: acme-dns01, dns01: ${solver} }\n`));
    const solverOf = (env: ReturnType<typeof prod>) => {
      const objects = objectsOf(env);
      // Every issuer passes the gate against the pinned cert-manager CRDs.
      expect(validateObjects(objects.map(({ __file, ...o }) => o), contextOf(env)).map(formatFinding)).toEqual([]);
      return find(objects, 'ClusterIssuer', 'letsencrypt-prod').spec.acme.solvers[0];
    };
    expect(solverOf(dns('{ provider: route53, region: eu-central-1, hostedZoneID: Z0123456789ABC }'))).toEqual({ dns01: { route53: { region: 'eu-central-1', hostedZoneID: 'Z0123456789ABC' } } });
    expect(solverOf(dns('{ provider: azureDNS, subscriptionID: 11111111-2222-3333-4444-555555555555, resourceGroupName: dns, hostedZoneName: pensioen.nl, managedIdentityClientID: 11111111-2222-3333-4444-666666666666 }')).dns01.azureDNS)
      .toMatchObject({ managedIdentity: { clientID: '11111111-2222-3333-4444-666666666666' }, environment: 'AzurePublicCloud' });
    expect(solverOf(dns('{ provider: cloudflare, apiTokenSecretRef: { name: cloudflare-token } }'))).toEqual({ dns01: { cloudflare: { apiTokenSecretRef: { name: 'cloudflare-token', key: 'api-token' } } } });
    expect(solverOf(dns('{ provider: rfc2136, nameserver: "10.0.0.53:53", tsigKeyName: pensioen, tsigSecretSecretRef: { name: tsig } }')).dns01.rfc2136)
      .toEqual({ nameserver: '10.0.0.53:53', tsigKeyName: 'pensioen', tsigAlgorithm: 'HMACSHA256', tsigSecretSecretRef: { name: 'tsig', key: 'tsig-secret' } });
    // onprem: a CA Issuer in the namespace, its Secret created by hand.
    const o = objectsOf('onprem');
    expect(find(o, 'Issuer', 'pensioen-internal-ca').spec).toEqual({ ca: { secretName: 'pensioen-ca' } });
    expect(find(o, 'Ingress', 'pensioen-ingress').metadata.annotations['cert-manager.io/issuer']).toBe('pensioen-internal-ca');
    expect(o.some((x) => x.metadata.name === 'acme-http01-solver')).toBe(false);
  });

  test('with backend.metricsPort the edge has no block rule, Prometheus scrapes the metrics port; a custom controller needs one', () => {
    const objects = objectsOf(prod((t) => t.replace('backend:\n', 'backend:\n  metricsPort: 9000\n')));
    const blocked = objects.filter((o) => o.metadata.name === 'pensioen-metrics-block').flatMap((o) => o.spec.rules[0].http.paths.map((p: any) => p.path));
    expect(blocked.filter((p: string) => p.startsWith('/metrics'))).toEqual([]); // what remains are backend.privatePaths
    expect(find(objects, 'ServiceMonitor', 'backend').spec.endpoints[0].port).toBe('metrics');
    expect(find(objects, 'Ingress', 'pensioen-ingress').spec.rules[0].http.paths[0].backend.service.port.number).toBe(8000);
    expect(find(objects, 'NetworkPolicy', 'backend').spec.ingress[1].ports).toEqual([{ protocol: 'TCP', port: 9000 }]);
    expect(refusal(production.replace('controller: ingress-nginx', 'controller: custom'))).toMatch(/^config\/production\.yaml: backend\.metricsPort: is required with ingress\.controller custom/);
    expect(refusal(production.replace('backend:\n', 'backend:\n  metricsPort: 8000\n'))).toMatch(/backend\.metricsPort: must differ from backend\.port \(8000\)/);
  });

  test('hostNetwork ingress controllers are admitted by node CIDR', () => {
    const objects = objectsOf(prod((t) => t.replace('  databaseCidrs: [10.20.0.0/24]\n', '  databaseCidrs: [10.20.0.0/24]\n  ingressControllerNodeCidrs: [10.0.8.0/22]\n')));
    for (const name of ['backend', 'frontend']) expect(find(objects, 'NetworkPolicy', name).spec.ingress[0].from).toContainEqual({ ipBlock: { cidr: '10.0.8.0/22' } });
  });

  test('the kubectl Job is named after the image version; migrations can be turned off', () => {
    const env = inlineEnvironment('onprem', onprem.replace('image: pensioen-backend:1.0.0', 'image: pensioen-backend:1.2.3-rc.1'));
    expect(objectsOf(env).filter((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate')).map((o) => o.metadata.name)).toEqual([expect.stringMatching(/^backend-migrate-1-2-3-rc-1-[0-9a-f]{8}$/)]);
    const off = objectsOf(prod((t) => `${t}migrations: { enabled: false }\n`));
    expect(off.some((o) => o.kind === 'Job' && o.metadata.name.startsWith('backend-migrate'))).toBe(false);
    expect(workloadOf(off, 'backend').spec.template.spec.initContainers).toBeUndefined();
  });

  test('two environments sharing a frontend image must share the API host (or read it at run time)', () => {
    const envs = loadEnvironments(FIXTURES);
    expect(frontendApiUrlProblems(envs)).toEqual([]);
    const a = { name: 'production', file: 'config/production.yaml', config: envs.find((e) => e.name === 'production')!.config };
    const b = { name: 'staging', file: 'config/staging.yaml', config: { ...envs.find((e) => e.name === 'staging')!.config, frontend: { ...envs.find((e) => e.name === 'staging')!.config.frontend, image: 'pensioen-frontend:1.0.0' } } };
    const [line] = frontendApiUrlProblems([a, b]);
    expect(line).toBe('config/staging.yaml: frontend.image: ghcr.io/pensioen-beslissingstool/pensioen-frontend:1.0.0 is also the frontend image of config/production.yaml, but NEXT_PUBLIC_API_URL differs (https://api.staging.pensioen-beslissingstool.nl vs https://api.pensioen-beslissingstool.nl) and next build bakes it into the bundle (allowed: a frontend image per API host, or frontend.runtimeApiUrl: true in config/production.yaml and config/staging.yaml for an image that reads the URL at run time)');
    const runtime = (e: typeof a) => ({ ...e, config: { ...e.config, frontend: { ...e.config.frontend, runtimeApiUrl: true } } });
    expect(frontendApiUrlProblems([runtime(a), runtime(b)])).toEqual([]);
  });
});

describe('the preflight covers the on-prem prerequisites that can be checked (docs/before-you-apply.md)', () => {
  const env = environment('onprem');
  const checks = preflightChecks(env, objectsOf(env));
  const check = (re: RegExp) => {
    const c = checks.find((x) => re.test(x.what));
    if (!c) throw new Error(`no check ${re}: ${checks.map((x) => x.what).join('; ')}`);
    return c;
  };

  test('a CNI that enforces NetworkPolicy: flannel alone fails', () => {
    const cni = check(/CNI that enforces NetworkPolicy/);
    expect(passes(cni, 0, 'kube-flannel-ds kube-proxy')).toBe(false);
    expect(passes(cni, 0, 'calico-node kube-proxy')).toBe(true);
    expect(passes(cni, 0, 'cilium cilium-envoy kube-proxy')).toBe(true);
  });

  test('three schedulable workers (one Redis and one PostgreSQL pod per node)', () => {
    const nodes = check(/at least 3 schedulable worker nodes/);
    expect(nodes.command).toContain("-l '!node-role.kubernetes.io/control-plane'");
    expect(passes(nodes, 0, 'w1\nw2\n')).toBe(false);
    expect(passes(nodes, 0, 'w1\nw2\nw3\n')).toBe(true);
  });

  test('local-ssd has a provisioner (no-provisioner needs volumes made by hand)', () => {
    const sc = check(/StorageClass local-ssd has a provisioner/);
    expect(passes(sc, 0, 'kubernetes.io/no-provisioner')).toBe(false);
    expect(passes(sc, 0, 'rancher.io/local-path')).toBe(true);
  });

  test('CloudNativePG 1.30, the Barman Cloud plugin, and the API server addresses of apiServerCidrs', () => {
    expect(passes(check(/CloudNativePG operator runs/), 0, 'ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0')).toBe(true);
    expect(passes(check(/CloudNativePG operator runs/), 0, 'ghcr.io/cloudnative-pg/cloudnative-pg:1.29.1')).toBe(false);
    expect(passes(check(/Barman Cloud plugin/), 0, 'service/barman-cloud')).toBe(true);
    const api = check(/API server's addresses/);
    expect(passes(api, 0, '192.168.10.11 192.168.10.12 192.168.10.13')).toBe(true);
    expect(passes(api, 0, '192.168.10.11 192.168.10.14')).toBe(false);
  });

  test('kube-prometheus-stack selects our rules, monitors and routing in every namespace; Grafana\'s sidecar label', () => {
    const rules = check(/Prometheus ruleSelector matches release=kube-prometheus-stack/);
    expect(passes(rules, 0, '{"matchLabels":{"release":"kube-prometheus-stack"}}')).toBe(true);
    expect(passes(rules, 0, '{"matchLabels":{"release":"prom"}}')).toBe(false);
    expect(passes(rules, 0, '{}')).toBe(true);
    expect(passes(check(/ruleNamespaceSelector is set/), 0, '')).toBe(false);
    check(/podMonitorSelector matches/);
    check(/alertmanagerConfigSelector matches/);
    expect(passes(check(/dashboard sidecar watches the label grafana_dashboard/), 0, 'grafana_dashboard')).toBe(true);
  });
});
