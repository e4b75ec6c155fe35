/**
 * `npm run docs`: regenerates every generated section of docs/ (lib/docs/index.ts lists them) from the schema
 * and config/. Files whose text is already current are not touched.
 */
import * as fs from 'fs';
import * as path from 'path';
import { EXIT, projectRoot, runCli } from '../lib/cli/errors';
import { loadEnvironments } from '../lib/config';
import { generatedDocs } from '../lib/docs';
import { deployedObjectsDocs } from '../lib/docs/deployed-objects';
import { environmentsOfDist, readDist, writeGeneratedPages } from '../lib/docs/dist-pages';
import { requestFlowDocs } from '../lib/docs/request-flow';

// Exit codes (docs/cli.md): 0 written, 1 a config problem (nothing written), 3 a file could not be written, 70 a bug.
process.exitCode = runCli('docs', () => {
  const root = projectRoot();
  for (const [file, text] of generatedDocs(root, loadEnvironments(path.join(root, 'config')))) {
    const abs = path.join(root, file);
    const current = fs.readFileSync(abs, 'utf8') === text;
    if (!current) fs.writeFileSync(abs, text);
    process.stdout.write(`docs: ${file} ${current ? 'already current' : 'regenerated'}\n`);
  }
  // From the YAML in dist/ (not from config): run `npm run synth` first when config or code changed.
  const envs = environmentsOfDist(readDist(path.join(root, 'dist')));
  const pages = new Map([...deployedObjectsDocs(envs), ...requestFlowDocs(envs)]);
  const written = writeGeneratedPages(root, pages, ['docs/deployed-objects']);
  process.stdout.write(`docs: docs/deployed-objects/, docs/request-flow.md ${written.length ? `regenerated (${written.join(', ')})` : 'already current'} from dist/\n`);
  return EXIT.ok;
}, { trailer: () => 'docs: nothing was written' });
