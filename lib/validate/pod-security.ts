/**
 * Pod Security Standards, profile "restricted" (which includes "baseline"), rule by rule as in
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/ (Kubernetes 1.30+), checked the way
 * the PodSecurity admission controller checks them: pod-level settings apply to every container unless
 * a container overrides them; containers, initContainers and ephemeralContainers alike.
 */
import { type Finding, findingOf } from './types';
import { type PodTemplate, containersOf } from './workloads';

/** Capabilities baseline allows to be added; restricted (Linux) allows only NET_BIND_SERVICE. */
const BASELINE_ADD = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const RESTRICTED_ADD = new Set(['NET_BIND_SERVICE']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);
const APPARMOR_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const SECCOMP_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

export const PSS_RULES = [
  'pss-host-process', 'pss-host-namespaces', 'pss-privileged', 'pss-capabilities', 'pss-host-path', 'pss-host-ports',
  'pss-apparmor', 'pss-selinux', 'pss-proc-mount', 'pss-seccomp', 'pss-sysctls', 'pss-volume-types',
  'pss-privilege-escalation', 'pss-run-as-non-root', 'pss-run-as-user',
] as const;

export function podSecurityFindings(t: PodTemplate): Finding[] {
  const out: Finding[] = [];
  const add = (rule: string, message: string) => out.push(findingOf(t.owner, rule, message));
  const spec = t.spec;
  const psc = spec.securityContext ?? {};
  const containers = containersOf(spec);
  const linux = spec.os?.name !== 'windows'; // restricted's Linux-only rules do not apply to Windows pods

  // Baseline
  if (psc.windowsOptions?.hostProcess === true) add('pss-host-process', 'spec.securityContext.windowsOptions.hostProcess must not be true');
  for (const f of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[f] === true) add('pss-host-namespaces', `spec.${f} must not be true`);
  for (const v of spec.volumes ?? []) {
    if (v?.hostPath) add('pss-host-path', `volume ${v.name}: hostPath volumes are forbidden`);
    const type = Object.keys(v ?? {}).find((k) => k !== 'name');
    if (type && !RESTRICTED_VOLUMES.has(type)) add('pss-volume-types', `volume ${v.name}: type ${type} is not allowed (allowed: ${[...RESTRICTED_VOLUMES].join(', ')})`);
  }
  if (psc.appArmorProfile && !APPARMOR_TYPES.has(psc.appArmorProfile.type)) add('pss-apparmor', `spec.securityContext.appArmorProfile.type must be RuntimeDefault or Localhost, not ${psc.appArmorProfile.type}`);
  for (const [k, v] of Object.entries(t.annotations)) {
    if (k.startsWith(APPARMOR_ANNOTATION) && v !== 'runtime/default' && !String(v).startsWith('localhost/')) add('pss-apparmor', `annotation ${k} must be runtime/default or localhost/*, not ${v}`);
  }
  const checkSelinux = (o: any, at: string) => {
    if (!o) return;
    if (o.type !== undefined && !SELINUX_TYPES.has(o.type)) add('pss-selinux', `${at}.seLinuxOptions.type ${o.type} is not allowed`);
    if (o.user) add('pss-selinux', `${at}.seLinuxOptions.user must not be set`);
    if (o.role) add('pss-selinux', `${at}.seLinuxOptions.role must not be set`);
  };
  checkSelinux(psc.seLinuxOptions, 'spec.securityContext');
  for (const s of psc.sysctls ?? []) if (!SAFE_SYSCTLS.has(s?.name)) add('pss-sysctls', `sysctl ${s?.name} is not in the safe set`);

  // Restricted, pod level
  const podSeccomp = psc.seccompProfile?.type;
  if (podSeccomp !== undefined && !SECCOMP_TYPES.has(podSeccomp)) add('pss-seccomp', `spec.securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${podSeccomp}`);
  if (psc.runAsNonRoot === false) add('pss-run-as-non-root', 'spec.securityContext.runAsNonRoot must not be false');
  if (psc.runAsUser === 0) add('pss-run-as-user', 'spec.securityContext.runAsUser must not be 0');

  for (const { container: c, where } of containers) {
    const sc = c.securityContext ?? {};
    if (sc.windowsOptions?.hostProcess === true) add('pss-host-process', `${where}: securityContext.windowsOptions.hostProcess must not be true`);
    if (sc.privileged === true) add('pss-privileged', `${where}: securityContext.privileged must not be true`);
    for (const p of c.ports ?? []) if (p?.hostPort) add('pss-host-ports', `${where}: hostPort ${p.hostPort} is forbidden`);
    if (sc.appArmorProfile && !APPARMOR_TYPES.has(sc.appArmorProfile.type)) add('pss-apparmor', `${where}: securityContext.appArmorProfile.type must be RuntimeDefault or Localhost, not ${sc.appArmorProfile.type}`);
    checkSelinux(sc.seLinuxOptions, `${where}: securityContext`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') add('pss-proc-mount', `${where}: securityContext.procMount must be Default, not ${sc.procMount}`);
    if (sc.runAsUser === 0) add('pss-run-as-user', `${where}: securityContext.runAsUser must not be 0`);
    // runAsNonRoot: the container's own setting, else the pod's, must be true
    if (sc.runAsNonRoot === false) add('pss-run-as-non-root', `${where}: securityContext.runAsNonRoot must not be false`);
    else if (sc.runAsNonRoot !== true && psc.runAsNonRoot !== true) add('pss-run-as-non-root', `${where}: runAsNonRoot must be true (in the container's or the pod's securityContext)`);
    if (linux) {
      if (sc.allowPrivilegeEscalation !== false) add('pss-privilege-escalation', `${where}: securityContext.allowPrivilegeEscalation must be false`);
      const seccomp = sc.seccompProfile?.type;
      if (seccomp !== undefined && !SECCOMP_TYPES.has(seccomp)) add('pss-seccomp', `${where}: securityContext.seccompProfile.type must be RuntimeDefault or Localhost, not ${seccomp}`);
      else if (seccomp === undefined && podSeccomp === undefined) add('pss-seccomp', `${where}: seccompProfile.type must be RuntimeDefault or Localhost (in the container's or the pod's securityContext)`);
      const drop: string[] = sc.capabilities?.drop ?? [];
      if (!drop.includes('ALL')) add('pss-capabilities', `${where}: securityContext.capabilities.drop must include ALL`);
      for (const cap of sc.capabilities?.add ?? []) if (!RESTRICTED_ADD.has(cap)) add('pss-capabilities', `${where}: capability ${cap} may not be added (only NET_BIND_SERVICE)`);
    } else {
      for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_ADD.has(cap)) add('pss-capabilities', `${where}: capability ${cap} may not be added (baseline list)`);
    }
  }
  return out;
}
