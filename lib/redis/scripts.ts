/**
 * The shell scripts of the cache pods, kept as real files in lib/redis/scripts/ (shellcheck reads them as they
 * are; the tools lane runs it on them) and loaded as text when the app is bundled. What differs per engine
 * (binaries, config file name) and the hand-over marker are `@@NAME@@` placeholders, filled in here at synth;
 * the `@NAME@` placeholders of the config templates are another matter: the scripts fill those in at start-up.
 */
/// <reference path="../text-files.d.ts" />
import commonSh from './scripts/common.sh';
import preStopRedisSh from './scripts/prestop-redis.sh';
import startRedisSh from './scripts/start-redis.sh';
import startSentinelSh from './scripts/start-sentinel.sh';

/** The script files, by their ConfigMap key. */
export const SCRIPT_FILES = {
  'common.sh': commonSh,
  'start-redis.sh': startRedisSh,
  'start-sentinel.sh': startSentinelSh,
  'prestop-redis.sh': preStopRedisSh,
} as const;

export type ScriptName = keyof typeof SCRIPT_FILES;

const PLACEHOLDER = /@@([A-Z][A-Z0-9_]*)@@/g;

/** The `@@NAME@@` placeholders a text holds, sorted. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]))].sort();
}

/**
 * `text` with every `@@NAME@@` replaced by `values[NAME]`. Throws (a coding error) when the text holds a
 * placeholder without a value or a value has no placeholder, so a renamed placeholder cannot slip through.
 */
export function fillPlaceholders(file: string, text: string, values: Readonly<Record<string, string | number>>): string {
  const used = placeholdersOf(text);
  const missing = used.filter((k) => !(k in values));
  const unused = Object.keys(values).filter((k) => !used.includes(k)).sort();
  if (missing.length > 0) throw new Error(`${file}: placeholder(s) without a value: ${missing.join(', ')}`);
  if (unused.length > 0) throw new Error(`${file}: value(s) for no placeholder: ${unused.join(', ')}, placeholders are: ${used.join(', ') || 'none'}`);
  return text.replace(PLACEHOLDER, (_m, k: string) => String(values[k]));
}

/** Script `name` with its placeholders filled in. */
export function script(name: ScriptName, values: Readonly<Record<string, string | number>>): string {
  return fillPlaceholders(`lib/redis/scripts/${name}`, SCRIPT_FILES[name], values);
}
