/** Synth warns about an edge that runs on the retired ingress-nginx, and about node ranges admitted to the app. */
import { configWarnings } from '../lib/config/warnings';
import { fixtureWith } from './security-helpers';

const edgeWarnings = (change: object, name = 'production') => configWarnings(fixtureWith(name, change)).filter((w) => !/ monitoring\./.test(w));

test('ingress-nginx is named as retired in March 2026, with the way out; the Gateway API edge or another controller is not', () => {
  expect(edgeWarnings({ edge: { kind: 'ingress' }, ingress: { controller: 'ingress-nginx' } })).toEqual([
    expect.stringMatching(/^config\/production\.yaml: ingress\.controller: ingress-nginx was retired in March 2026 \(Kubernetes SRC\): no security fixes any more; move to .*edge\.kind: gateway/),
  ]);
  expect(edgeWarnings({ edge: { kind: 'gateway' } })).toEqual([]);
  // While migrating away from it, the old edge still runs: still warned.
  expect(edgeWarnings({ edge: { kind: 'gateway', migrateFrom: 'ingress' } })).toHaveLength(1);
  expect(edgeWarnings({ ingress: { controller: 'custom' }, backend: { metricsPort: 9000, privatePaths: [] } })).toEqual([]);
});

test('a node range admitted for a hostNetwork controller is named; single node addresses are not', () => {
  expect(edgeWarnings({ edge: { kind: 'gateway' }, network: { ingressControllerNodeCidrs: ['192.168.10.0/24', '192.168.10.21/32'] } })).toEqual([
    expect.stringMatching(/network\.ingressControllerNodeCidrs: 192\.168\.10\.0\/24 admits every address in it/),
  ]);
});
