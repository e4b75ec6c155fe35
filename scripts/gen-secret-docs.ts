/** Part of `npm run docs`: regenerates the README's secret set-up (kubectl commands, remote secrets) from config/. */
import * as fs from 'fs';
import * as path from 'path';
import { loadEnvironments } from '../lib/config';
import { withSecretsSection } from '../lib/docs/secrets';

const file = path.resolve('README.md');
fs.writeFileSync(file, withSecretsSection(fs.readFileSync(file, 'utf8'), loadEnvironments(path.resolve('config'))));
process.stdout.write(`docs: secret set-up in ${path.relative(process.cwd(), file)} regenerated from config/\n`);
