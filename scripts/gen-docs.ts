/** `npm run docs`: regenerates the configuration reference in README.md from the schema. */
import * as fs from 'fs';
import * as path from 'path';
import { withReference } from '../lib/docs/config-reference';

const readme = path.resolve(__dirname, '..', '..', 'README.md');
const file = fs.existsSync(readme) ? readme : path.resolve('README.md');
fs.writeFileSync(file, withReference(fs.readFileSync(file, 'utf8')));
process.stdout.write(`docs: configuration reference in ${path.relative(process.cwd(), file)} regenerated\n`);
