/**
 * Every generated part of docs/: which file, and how to bring its generated section up to date. `npm run docs`
 * (scripts/gen-docs.ts) writes them all; test/docs.test.ts fails when any committed file differs from what this
 * produces. A new generated section goes here. (docs/deployed-objects/ and docs/request-flow.md are generated
 * whole, from dist/, by lib/docs/deployed-objects.ts and lib/docs/request-flow.ts; their staleness tests are
 * test/deployed-objects.test.ts and test/request-flow.test.ts.)
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Environment } from '../config';
import { withReference } from './config-reference';
import { withSecretsSection } from './secrets';
import { withWaiverList } from './waivers';
import { withProcedureSection } from './procedure';
import { withReleaseCommands } from './delivery';

export interface GeneratedSection {
  /** Path of the Markdown file, relative to the repository root. */
  readonly file: string;
  /** What is generated there (for messages). */
  readonly what: string;
  /** The file's text with its generated section brought up to date (the rest left as it is). */
  readonly update: (text: string, envs: Environment[]) => string;
}

export const GENERATED_SECTIONS: readonly GeneratedSection[] = [
  { file: 'docs/configuration.md', what: 'configuration reference (from the schema in lib/config/)', update: (t) => withReference(t) },
  { file: 'docs/secrets.md', what: 'Secrets to create, per environment (from config/)', update: withSecretsSection },
  { file: 'docs/validation.md', what: 'waived findings (from validation.waivers in config/)', update: withWaiverList },
];

/** Sections generated from dist/ under a root (docs/onprem-install.md's procedure, docs/delivery.md's release commands). */
export const distSections = (root: string): GeneratedSection[] => [
  { file: 'docs/onprem-install.md', what: 'the kubectl install procedure (from dist/ by lib/deploy/procedure.ts)', update: withProcedureSection(root) },
  { file: 'docs/delivery.md', what: 'the kubectl release and smoke test commands per strategy (lib/docs/delivery.ts, from dist/ and lib/deploy/procedure.ts)', update: withReleaseCommands(root) },
];

/** Every generated file's current text, by path relative to `root`, applying each section in turn. */
export function generatedDocs(root: string, envs: Environment[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of [...GENERATED_SECTIONS, ...distSections(root)]) {
    const before = out.get(s.file) ?? fs.readFileSync(path.join(root, s.file), 'utf8');
    out.set(s.file, s.update(before, envs));
  }
  return out;
}
