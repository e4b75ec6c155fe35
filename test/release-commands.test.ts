/**
 * The kubectl commands the docs give for a release follow `delivery.strategy`: docs/delivery.md's release
 * commands are generated from the procedure's code (lib/docs/delivery.ts, lib/deploy/procedure.ts), a canary's
 * Rollout is never waited for with `kubectl rollout status`, and every other page that gives a Deployment's
 * `kubectl rollout` command for the backend or frontend points to the Rollout's equivalent.
 */
import * as fs from 'fs';
import * as path from 'path';
import { configEnvironments, ROOT } from './helpers';
import { generatedDocs } from '../lib/docs';
import { RELEASE_COMMANDS_END, RELEASE_COMMANDS_START, releaseCommandsSection, strategyCommands } from '../lib/docs/delivery';
import { kubectlCanary } from './fixtures/canary';
import { objectsOf } from './helpers';

const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const ANCHOR = 'delivery.md#release-commands-by-strategy-kubectl';
/** A Deployment's `kubectl rollout` command for the backend or the frontend: a canary's Rollout has none. */
const DEPLOYMENT_COMMAND = /rollout (status|restart|undo)[^`\n]*deploy(ment)?\/(backend|frontend)\b/;

test('docs/delivery.md\'s release commands are current with dist/ and the code (fix: `npm run docs`)', () => {
  const file = 'docs/delivery.md';
  expect(read(file) === generatedDocs(ROOT, configEnvironments()).get(file) ? 'up to date' : `${file} is stale: run \`npm run docs\``).toBe('up to date');
});

test('outside its generated part, docs/delivery.md keeps no Deployment rollout command by hand', () => {
  const text = read('docs/delivery.md');
  const hand = text.slice(0, text.indexOf(RELEASE_COMMANDS_START)) + text.slice(text.indexOf(RELEASE_COMMANDS_END));
  expect(hand.split('\n').filter((l) => DEPLOYMENT_COMMAND.test(l))).toEqual([]);
  expect(text).toContain('### Release commands by strategy (kubectl)');
});

test('a kubectl environment with canary gets the Rollout waits, never `rollout status` for its Rollouts', () => {
  const env = kubectlCanary();
  const md = releaseCommandsSection([env], new Map([[env.name, objectsOf(env)]]));
  const own = md.slice(0, md.indexOf('An environment with `delivery.strategy: canary`'));
  expect(own).toContain('`onprem` (`delivery.strategy: canary`');
  expect(own).not.toMatch(/rollout status[^\n]*deployment\/(backend|frontend)/);
  for (const n of ['backend', 'frontend']) expect(own).toContain(`get rollout.argoproj.io/${n} -o jsonpath='{.status.phase}') || phase=; case "$phase" in Healthy)`);
  expect(own.indexOf('get rollout.argoproj.io/frontend -o jsonpath=\'{.status.phase}\')')).toBeLessThan(own.indexOf('delete job smoke-test'));
});

test('each person\'s command has its canary counterpart through the Argo Rollouts plugin', () => {
  for (const r of strategyCommands('ns', 'backend')) {
    expect(r.canary).toMatch(/^kubectl argo rollouts -n ns (get rollout|restart|abort|promote) backend/);
    expect(r.rolling).not.toContain('argo');
  }
});

describe('pages with a Deployment rollout command for the backend or frontend point to the canary\'s', () => {
  const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
    ...fs.readdirSync(path.join(ROOT, 'runbooks')).filter((f) => f.endsWith('.md')).map((f) => `runbooks/${f}`)]
    .filter((f) => !['docs/delivery.md', 'docs/onprem-install.md'].includes(f)) // generated from the strategy
    .filter((f) => DEPLOYMENT_COMMAND.test(read(f)));
  test('there are such pages (the check is not vacuous)', () => expect(pages.length).toBeGreaterThan(0));
  test.each(pages)('%s', (page) => expect({ page, linksCanaryCommands: read(page).includes(ANCHOR) }).toEqual({ page, linksCanaryCommands: true }));
});
