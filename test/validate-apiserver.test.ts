/**
 * The gate's API-server rules (lib/validate/apiserver.ts): one failing input per rule, each taken from a real
 * synthesized object and broken in one place; and the real objects pass.
 */
import { apiServerFindings, cidrProblem } from '../lib/validate/apiserver';
import { formatFinding } from '../lib/validate';
import { environments, objectsOf } from './helpers';

const objects = objectsOf('production');
const of = (kind: string, name: string) => JSON.parse(JSON.stringify(objects.find((o) => o.kind === kind && o.metadata.name === name)));
const rules = (o: any) => apiServerFindings(o).map((f) => `${f.rule}: ${f.message}${f.configKey ? ` [${f.configKey}]` : ''}`);

test('every object of every environment passes the API-server rules', () => {
  for (const env of environments()) expect(objectsOf(env).flatMap((o) => apiServerFindings(o)).map(formatFinding)).toEqual([]);
});

const cases: [string, () => any, RegExp][] = [
  ['api-name: a Service name that is not a DNS-1035 label', () => { const o = of('Service', 'backend-service'); o.metadata.name = '1backend'; return o; }, /^api-name: metadata\.name: "1backend" must be a DNS-1035 label/],
  ['api-name: an object name with upper case', () => { const o = of('Deployment', 'backend'); o.metadata.name = 'Backend'; return o; }, /^api-name: metadata\.name: "Backend" must be a lower-case DNS subdomain/],
  ['api-label-value: a version label over 63 characters', () => { const o = of('Deployment', 'backend'); o.metadata.labels['app.kubernetes.io/version'] = 'v'.repeat(64); return o; },
    /^api-label-value: metadata\.labels\["app\.kubernetes\.io\/version"\]: value "v{64}" is 64 characters \(at most 63\) \[backend\.image/],
  ['api-label-key: an invalid label key', () => { const o = of('Deployment', 'backend'); o.metadata.labels['bad key'] = 'x'; return o; }, /^api-label-key: metadata\.labels\["bad key"\]: key name part must be/],
  ['api-annotation-key: an invalid annotation key', () => { const o = of('Ingress', 'pensioen-ingress'); o.metadata.annotations['nginx/ingress/x'] = 'y'; return o; },
    /^api-annotation-key: metadata\.annotations\["nginx\/ingress\/x"\]: key has more than one "\/" \[ingress\.annotations\]/],
  ['api-annotations-size: annotations over 256 KiB', () => { const o = of('Ingress', 'pensioen-ingress'); o.metadata.annotations['example.com/big'] = 'x'.repeat(300 * 1024); return o; }, /^api-annotations-size: metadata\.annotations: hold \d+ bytes \(at most 262144/],
  ['api-object-size: an object over etcd\'s 1.5 MiB', () => { const o = of('Deployment', 'backend'); o.spec.template.spec.containers[0].env.push({ name: 'BIG', value: 'x'.repeat(4 * 1024 * 1024) }); return o; }, /^api-object-size: \(object\): is \d+ bytes; etcd refuses writes above 1572864/],
  ['api-quantity: a negative CPU request', () => { const o = of('Deployment', 'backend'); o.spec.template.spec.containers[0].resources.requests.cpu = '-500m'; return o; }, /^api-quantity: spec\.template\.spec\.containers\[backend\]\.resources\.requests\.cpu: "-500m" must not be negative \[backend\.resources\]/],
  ['api-quantity: a request above its limit', () => { const o = of('Deployment', 'backend'); o.spec.template.spec.containers[0].resources.requests.memory = '64Gi'; return o; }, /^api-quantity: .*requests\.memory: 64Gi must be less than or equal to the memory limit/],
  ['api-volume-name: duplicate volume names', () => { const o = of('Deployment', 'frontend'); o.spec.template.spec.volumes.push({ ...o.spec.template.spec.volumes[0] }); return o; }, /^api-volume-name: spec\.template\.spec\.volumes\[\d\]\.name: "[a-z-]+" is used by two volumes.* \[frontend\.writablePaths\]/],
  ['api-volume-mount: a mount of a missing volume', () => { const o = of('Deployment', 'frontend'); o.spec.template.spec.containers[0].volumeMounts.push({ name: 'ghost', mountPath: '/ghost' }); return o; }, /^api-volume-mount: .*volumeMounts\[\d\]\.name: "ghost" is not a volume of this pod/],
  ['api-container-name: duplicate container names', () => { const o = of('StatefulSet', 'redis'); o.spec.template.spec.containers[1].name = o.spec.template.spec.containers[0].name; return o; }, /^api-container-name: .* is used by two containers/],
  ['api-port: duplicate container port names', () => { const o = of('Deployment', 'backend'); const c = o.spec.template.spec.containers[0]; c.ports.push({ ...c.ports[0], containerPort: 9999 }); return o; }, /^api-port: .*ports\[1\]\.name: "http" is used by two ports/],
  ['api-port: a port name over 15 characters', () => { const o = of('Service', 'backend-service'); o.spec.ports[0].name = 'a-very-long-port-name'; return o; }, /^api-port: spec\.ports\[0\]\.name: "a-very-long-port-name" must be 1-15 characters/],
  ['api-env-name: an env var name with a space', () => { const o = of('Deployment', 'backend'); o.spec.template.spec.containers[0].env.push({ name: 'MY VAR', value: '1' }); return o; }, /^api-env-name: .*env\[\d+\]\.name: "MY VAR" must be letters/],
  ['api-image: a malformed image reference', () => { const o = of('Deployment', 'backend'); o.spec.template.spec.containers[0].image = 'ghcr.io/x/name:1.0.0:2'; return o; }, /^api-image: .*\.image: "ghcr\.io\/x\/name:1\.0\.0:2" is not a valid image reference .*InvalidImageName \[backend\.image\]/],
  ['api-data-key: a Secret or ConfigMap key with a space', () => { const o = of('ConfigMap', 'redis-config'); o.data['my key'] = 'x'; return o; }, /^api-data-key: data\["my key"\]: key must be letters/],
  ['api-data-size: a ConfigMap over 1 MiB', () => { const o = of('ConfigMap', 'redis-config'); o.data.big = 'x'.repeat(1024 * 1024); return o; }, /^api-data-size: data: holds \d+ bytes \(at most 1048576/],
  ['api-cidr: a malformed IPv6 CIDR', () => { const o = of('NetworkPolicy', 'backend'); o.spec.egress.find((r: any) => r.to?.[0]?.ipBlock).to[0].ipBlock.cidr = '2001:db8:::/32'; return o; }, /^api-cidr: .*ipBlock\.cidr: "2001:db8:::\/32" is not an IPv4 or IPv6 address \[network\.databaseCidrs/],
  ['api-cidr: a CIDR with host bits', () => { const o = of('NetworkPolicy', 'backend'); o.spec.egress.find((r: any) => r.to?.[0]?.ipBlock).to[0].ipBlock.cidr = '10.1.2.3/16'; return o; }, /has host bits set \(not canonical; the network is 10\.1\.0\.0\/16\)/],
  ['api-label-value: invalid dnsPodLabels in a NetworkPolicy peer', () => { const o = of('NetworkPolicy', 'backend'); const r = o.spec.egress.find((x: any) => x.to?.[0]?.podSelector); r.to[0].podSelector.matchLabels['k8s-app'] = 'kube dns'; return o; },
    /^api-label-value: spec\.egress\[\d\]\.to\[0\]\.podSelector\.matchLabels\["k8s-app"\]: value "kube dns" .* \[network\.dnsPodLabels\]/],
];

test.each(cases)('%s', (_what, make, expected) => {
  const found = rules(make());
  expect(found.find((l) => expected.test(l)) ?? found).toMatch(expected);
});

test('CIDRs: IPv4 and IPv6, canonical forms accepted; ambiguous ones refused', () => {
  for (const ok of ['10.0.0.0/8', '0.0.0.0/0', '192.0.2.1/32', '2001:db8::/32', '::/0', 'fe80::1/128']) expect([ok, cidrProblem(ok)]).toEqual([ok, undefined]);
  for (const bad of ['010.0.0.0/8', '10.0.0.0/33', '256.0.0.0/8', '2001:db8::/129', '2001:db8::1/32', 'x/8', '10.0.0.0', '::ffff:10.0.0.0/104']) expect(cidrProblem(bad)).toEqual(expect.any(String));
});
