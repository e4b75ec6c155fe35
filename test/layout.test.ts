/** The layout README promises: a chart never imports another chart (shared names live in lib/names.ts, shared builders in lib/). */
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from './helpers';

test('no file in charts/ imports another chart', () => {
  const dir = path.join(ROOT, 'charts');
  const offenders = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))
    .flatMap((f) => [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/from '\.\/([^']+)'/g)].map((m) => `${f} imports ./${m[1]}`));
  expect(offenders).toEqual([]);
});
