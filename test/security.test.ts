/** Every pod of every environment runs under Pod Security Standards "restricted", with requests, limits and probes. */
import { environments, objectsOf, podSpecs } from './helpers';

const cases = environments().flatMap((env) => podSpecs(objectsOf(env)).map((p) => [env.name, p.owner, p.spec, p.claims] as const));

test('there are pod templates to check', () => {
  expect(cases.length).toBeGreaterThanOrEqual(4);
});

describe.each(cases)('%s %s', (_env, owner, spec, claims) => {
  const containers = [...(spec.initContainers ?? []), ...spec.containers];

  test('pod: non-root, RuntimeDefault seccomp, no service account token, no host namespaces', () => {
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.hostNetwork ?? false).toBe(false);
    expect(spec.hostPID ?? false).toBe(false);
    expect(spec.hostIPC ?? false).toBe(false);
    expect((spec.volumes ?? []).filter((v: any) => v.hostPath)).toEqual([]);
  });

  test('every container: restricted securityContext', () => {
    for (const c of containers) {
      expect(c.securityContext).toMatchObject({
        runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(c.securityContext.capabilities.add ?? []).toEqual([]);
      expect(c.securityContext.privileged ?? false).toBe(false);
      expect(c.securityContext.runAsUser ?? spec.securityContext.runAsUser).toBeGreaterThan(0);
    }
  });

  test('every container: CPU and memory requests, memory limit, liveness and readiness probes (a Job: a deadline instead), pinned image', () => {
    for (const c of spec.containers) {
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.requests.memory).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      if (owner.startsWith('Job/')) {
        expect(spec.restartPolicy).toBe('Never');
      } else {
        expect(c.livenessProbe).toBeDefined();
        expect(c.readinessProbe).toBeDefined();
      }
      expect(c.image).toMatch(/:[^:/]+$|@sha256:/);
      expect(c.image).not.toMatch(/:latest$/);
    }
  });

  test('every mount comes from a volume of the pod or a volumeClaimTemplate', () => {
    const volumes = new Set([...(spec.volumes ?? []).map((v: any) => v.name), ...claims]);
    for (const c of containers) for (const m of c.volumeMounts ?? []) expect(volumes.has(m.name)).toBe(true);
  });
});

describe.each(environments().map((e) => [e.name, e] as const))('%s Namespace', (_name, env) => {
  test('Pod Security admission enforces, audits and warns at "restricted"', () => {
    const ns = objectsOf(env).filter((o) => o.kind === 'Namespace');
    expect(ns.map((o) => o.metadata.name)).toEqual([env.config.namespace]);
    expect(ns[0].metadata.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/warn': 'restricted',
    });
  });
});
