/** Rewrites the list of waived findings in README.md from config/*.yaml: node scripts/run-ts.js scripts/gen-waiver-docs.ts */
import * as fs from 'fs';
import { loadEnvironments } from '../lib/config';
import { withWaiverList } from '../lib/docs/waivers';

const readme = fs.readFileSync('README.md', 'utf8');
const next = withWaiverList(readme, loadEnvironments('config'));
if (next !== readme) fs.writeFileSync('README.md', next);
process.stdout.write(`gen-waiver-docs: README.md ${next === readme ? 'already current' : 'updated'}\n`);
