import * as fs from 'fs';
import * as path from 'path';
import { withReference } from '../lib/docs/config-reference';
import { ROOT } from './helpers';

test('the README configuration reference is generated from the schema (fix: `npm run docs`)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(withReference(readme) === readme ? 'up to date' : 'stale: run `npm run docs`').toBe('up to date');
});

test('the README gives the two set-up commands', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  expect(readme).toContain('npm ci && npm run synth');
  expect(readme).toMatch(/^npm test\b/m);
});
