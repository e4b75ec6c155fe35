/**
 * The cache pods' shell scripts are files (lib/redis/scripts/*.sh) with `@@NAME@@` placeholders filled in at
 * synth: what the ConfigMap holds is the file with exactly those words replaced, for either engine, and a
 * placeholder without a value (or a value without a placeholder) is an error, not a silent `@@NAME@@` in a pod.
 */
import * as fs from 'fs';
import * as path from 'path';
import { SCRIPT_FILES } from '../lib/redis/scripts';
import { fillPlaceholders, placeholdersOf } from '../lib/script-files';
import { HANDOVER_KEY, HANDOVER_MARKER_SECONDS } from '../lib/redis/files';
import { ADMIN_USER, PASSWORD_VAR_PREFIX, PREVIOUS_PASSWORD_VAR_PREFIX } from '../lib/redis/users';
import { find, objectsOf, ROOT } from './helpers';
import { cacheEnv } from './fixtures/cache';

const SCRIPTS_DIR = path.join(ROOT, 'lib', 'redis', 'scripts');

test('every script file in lib/redis/scripts/ is loaded, and what is loaded is the file', () => {
  const onDisk = fs.readdirSync(SCRIPTS_DIR).filter((f) => f.endsWith('.sh')).sort();
  expect(Object.keys(SCRIPT_FILES).sort()).toEqual(onDisk);
  for (const [name, text] of Object.entries(SCRIPT_FILES)) expect(text).toBe(fs.readFileSync(path.join(SCRIPTS_DIR, name), 'utf8'));
});

test.each(['redis', 'valkey'] as const)('%s: the ConfigMap holds each script file with its placeholders filled in and none left', (engine) => {
  const data = find(objectsOf(cacheEnv({ engine })), 'ConfigMap', `${engine}-node`).data;
  const values: Record<string, string> = {
    CLI: `${engine}-cli`, SERVER: `${engine}-server`, SENTINEL: `${engine}-sentinel`, CONF: `${engine}.conf`,
    HANDOVER_KEY, HANDOVER_MARKER_SECONDS: String(HANDOVER_MARKER_SECONDS), ADMIN_USER, PASSWORD_VAR_PREFIX, PREVIOUS_PASSWORD_VAR_PREFIX,
  };
  for (const [name, text] of Object.entries(SCRIPT_FILES)) {
    const expected = placeholdersOf(text).reduce((t, k) => t.split(`@@${k}@@`).join(values[k]), text);
    expect(data[name]).toBe(expected);
    expect(data[name]).not.toMatch(/@@/);
  }
  expect(data['start-redis.sh']).toContain(`exec ${engine}-server "$RUNTIME_DIR/${engine}.conf"`);
});

test('a placeholder without a value, or a value without a placeholder, is an error naming the file', () => {
  expect(fillPlaceholders('x.sh', 'exec @@SERVER@@ @@CONF@@', { SERVER: 'redis-server', CONF: 'redis.conf' })).toBe('exec redis-server redis.conf');
  expect(() => fillPlaceholders('x.sh', 'exec @@SERVER@@ @@CONF@@', { SERVER: 'redis-server' })).toThrow('x.sh: placeholder(s) without a value: CONF');
  expect(() => fillPlaceholders('x.sh', 'exec @@SERVER@@', { SERVER: 's', CLI: 'c' })).toThrow('x.sh: value(s) for no placeholder: CLI, placeholders are: SERVER');
  // the start-up placeholders of the config templates (@NAME@, filled in by the scripts in the pod) are left alone
  expect(fillPlaceholders('x.sh', 's|@POD_HOST@|$POD_HOST|g', {})).toBe('s|@POD_HOST@|$POD_HOST|g');
});
