/**
 * The whole vendored CRD corpus through the gate's schema compiler: every version of every CRD in crds/
 * compiles with ajv whole (no pruning) and validates a minimal object without throwing. A corpus run (tens of
 * seconds of ajv compilation), so it belongs to the tools lane; test/validate-schema.test.ts keeps the rules.
 */
import Ajv from 'ajv';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { contextOf } from '../lib/validate';
import { strictSchema, validateCustomResource } from '../lib/validate/crd-schema';
import { ROOT } from './helpers';

const PROJECT_CRDS = path.join(ROOT, 'crds');
// crds/ below a temp folder: the build cache goes to its sibling .build/ and is deleted with it
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gate-crds-all-'));
const dir = path.join(tmp, 'crds');
fs.mkdirSync(dir);
for (const f of fs.readdirSync(PROJECT_CRDS).filter((f) => f.endsWith('.yaml'))) fs.copyFileSync(path.join(PROJECT_CRDS, f), path.join(dir, f));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('every version of every CRD compiles with ajv, whole (no pruning)', () => {
  const ctx = contextOf(undefined, dir);
  for (const v of ctx.crds.values()) {
    expect(() => new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false, validateSchema: false }).addFormat('int32', true).addFormat('int64', true).addFormat('byte', true).addFormat('date-time', true).compile(strictSchema(v.schema(), true))).not.toThrow();
    expect(() => validateCustomResource({ apiVersion: `${v.group}/${v.version}`, kind: v.kind, metadata: { name: 'x', namespace: 'n' } }, v)).not.toThrow();
  }
});
