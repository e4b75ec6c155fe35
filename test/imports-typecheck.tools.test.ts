/**
 * The full type-check of the generated imports/. `npm test` type-checks the app against declarations written
 * without checking the generated code (tsconfig.imports.json: `noCheck` with `isolatedDeclarations`), so this
 * is where a regenerated import that does not compile (another cdk8s-cli or TypeScript) fails.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..');

test('imports/ type-checks in full (tsconfig.imports.check.json)', () => {
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.imports.check.json'], { cwd: ROOT, encoding: 'utf8' });
  expect(tsc.stdout + tsc.stderr).toBe('');
  expect(tsc.status).toBe(0);
});
