/**
 * `npm run docs`: regenerates every generated section of docs/ (lib/docs/index.ts lists them) from the schema
 * and config/. Files whose text is already current are not touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ConfigError, loadEnvironments } from '../lib/config';
import { generatedDocs } from '../lib/docs';

const root = process.cwd();
try {
  for (const [file, text] of generatedDocs(root, loadEnvironments(path.join(root, 'config')))) {
    const abs = path.join(root, file);
    const current = fs.readFileSync(abs, 'utf8') === text;
    if (!current) fs.writeFileSync(abs, text);
    process.stdout.write(`docs: ${file} ${current ? 'already current' : 'regenerated'}\n`);
  }
} catch (e) {
  if (!(e instanceof ConfigError)) throw e;
  process.stderr.write(`${e.message}\ndocs: nothing was written\n`);
  process.exit(1);
}
