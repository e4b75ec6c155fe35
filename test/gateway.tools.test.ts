/**
 * The Gateway API edge: per edge kind and implementation, explicit assertions on hosts,
 * listeners, parentRefs, every filter, the seed's CORS values, the rate limit, the solver and the
 * NetworkPolicies; the gate accepts the objects and rejects hand-broken copies; `npm run diff` shows
 * an ingress -> gateway switch object by object.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FIXTURES, ROOT } from './helpers';


test('the command: npm run diff --config with production switched', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'edge-diff-'));
  try {
    const prod = fs.readFileSync(path.join(FIXTURES, 'production.yaml'), 'utf8');
    // config/production.yaml runs the Gateway API edge (dist/production/ is its output): the fixture's
    // ingress-nginx edge is the switch the diff must show, both ways named by kind and name.
    fs.writeFileSync(path.join(dir, 'production.yaml'), `${prod}\nedge:\n  kind: ingress\n`);
    const out = execFileSync('node', ['scripts/run-ts.js', 'scripts/diff.ts', '--config', dir], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' } });
    expect(out).toContain('production: gateway.networking.k8s.io/HTTPRoute pensioen/pensioen-api');
    expect(out).toContain('production: networking.k8s.io/Ingress pensioen/pensioen-ingress');
    expect(out).toMatch(/letsencrypt-prod[\s\S]*gatewayHTTPRoute/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
