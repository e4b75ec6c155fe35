/** The list of waived findings in docs/validation.md, generated from `validation.waivers` of every config. */
import type { Environment } from '../config';

export const WAIVERS_START = '<!-- validation-waivers:start -->';
export const WAIVERS_END = '<!-- validation-waivers:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A Markdown table of every waiver (environment, object, rule, reason), or a sentence when there is none. */
export function waiverList(envs: Environment[]): string {
  const rows = envs.flatMap((e) => e.config.validation.waivers.map((w) => `| ${e.name} | ${cell(w.kind)}/${cell(w.name)} | \`${cell(w.rule)}\` | ${cell(w.reason)} |`));
  if (rows.length === 0) return 'No finding is waived in any environment.';
  return ['| environment | object | rule | reason |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with the text between the waiver markers replaced by the current list. */
export function withWaiverList(readme: string, envs: Environment[]): string {
  const start = readme.indexOf(WAIVERS_START);
  const end = readme.indexOf(WAIVERS_END);
  if (start < 0 || end < start) throw new Error(`docs/validation.md has no ${WAIVERS_START} ... ${WAIVERS_END} block`);
  return `${readme.slice(0, start + WAIVERS_START.length)}\n${waiverList(envs)}\n${readme.slice(end)}`;
}
