/**
 * The shell scripts of the cache pods, kept as real files in lib/redis/scripts/ (lib/script-files.ts: shellcheck
 * reads them as they are) and loaded as text when the app is bundled. What differs per engine (binaries, config
 * file name) and the hand-over marker are `@@NAME@@` placeholders, filled in here at synth;
 * the `@NAME@` placeholders of the config templates are another matter: the scripts fill those in at start-up.
 */
/// <reference path="../text-files.d.ts" />
import commonSh from './scripts/common.sh';
import preStopRedisSh from './scripts/prestop-redis.sh';
import startRedisSh from './scripts/start-redis.sh';
import startSentinelSh from './scripts/start-sentinel.sh';
import { fillPlaceholders } from '../script-files';

/** The script files, by their ConfigMap key. */
export const SCRIPT_FILES = {
  'common.sh': commonSh,
  'start-redis.sh': startRedisSh,
  'start-sentinel.sh': startSentinelSh,
  'prestop-redis.sh': preStopRedisSh,
} as const;

export type ScriptName = keyof typeof SCRIPT_FILES;

/** Script `name` with its placeholders filled in. */
export function script(name: ScriptName, values: Readonly<Record<string, string | number>>): string {
  return fillPlaceholders(`lib/redis/scripts/${name}`, SCRIPT_FILES[name], values);
}
