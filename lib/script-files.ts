/**
 * Scripts kept as real files next to the module that runs them (lib/redis/scripts/, lib/database/scripts/),
 * loaded as text when the app is bundled (lib/text-files.d.ts), so shellcheck reads them as they are (the
 * tools lane runs it on every `.sh` under lib/). What differs per environment or engine is an `@@NAME@@`
 * placeholder filled in at synth; a placeholder stands only where the shell takes a word (a command name, an
 * argument, an assignment's value, inside a string), so the file parses with its placeholders in place.
 */

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

/** A script file without its leading `#` comment block (what the script is, for the reader of the file). */
export function withoutLeadingComments(text: string): string {
  return text.replace(/^(#[^\n]*\n)+/, '');
}

/**
 * A script file as the argument of `sh -c`: its leading comment block and its final newline left out, its
 * placeholders filled in.
 */
export function inlineScript(file: string, text: string, values: Readonly<Record<string, string | number>>): string {
  return fillPlaceholders(file, withoutLeadingComments(text).replace(/\n$/, ''), values);
}
