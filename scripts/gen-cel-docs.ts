/** `npm run docs`: regenerates docs/cel-rules.md from the CEL rules of crds/. */
import * as fs from 'fs';
import * as path from 'path';
import { celRulesDoc } from '../lib/docs/cel-rules';

const root = fs.existsSync(path.resolve('crds')) ? path.resolve('.') : path.resolve(__dirname, '..', '..');
fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
fs.writeFileSync(path.join(root, 'docs', 'cel-rules.md'), celRulesDoc(path.join(root, 'crds')));
process.stdout.write('docs: docs/cel-rules.md regenerated\n');
