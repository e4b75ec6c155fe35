/**
 * Go (RE2) patterns in CRD schemas that JavaScript's RegExp rejects, rewritten to equivalent JavaScript.
 * RE2's inline flag `(?i)` makes the rest of the pattern case-insensitive; JavaScript has no inline
 * flags, so every ASCII letter after it becomes a class of both cases (`abort` -> `[aA][bB][oO][rR][tT]`)
 * and every character class with letters gets the other case added. Nothing is loosened.
 */

const isLetter = (c: string) => /[a-zA-Z]/.test(c);
const otherCase = (c: string) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase());

/** Case-folds `src` (which follows a `(?i)`), keeping escapes as they are. */
function foldCase(src: string): string {
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      out += src.slice(i, i + 2);
      i++;
    } else if (c === '[') {
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      const body = src.slice(i + 1, j);
      const negated = body.startsWith('^');
      const inner = negated ? body.slice(1) : body;
      // Letters (and letter ranges) of the class again in the other case; escapes are left out of the copy.
      const copy = inner.replace(/\\./g, '').split('').filter(isLetter).length > 0
        ? inner.replace(/\\./g, '').replace(/[a-zA-Z]/g, otherCase).replace(/[^a-zA-Z-]/g, '').replace(/^-+|-+$/g, '')
        : '';
      out += `[${negated ? '^' : ''}${copy}${inner}]`;
      i = j;
    } else if (isLetter(c)) {
      out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * The JavaScript equivalent of a Go regular expression (unchanged when it has no `(?i)`). A `(?i)` holds
 * until the end of the group it is in (the whole rest of the pattern at top level), as in RE2: only that
 * span is case-folded (a nested `(?i)` in it is redundant), and the rest is rewritten the same way.
 */
export function jsPatternOf(goPattern: string): string {
  const at = goPattern.indexOf('(?i)');
  if (at < 0) return goPattern;
  let depth = 0;
  let j = at + 4;
  for (; j < goPattern.length; j++) {
    const c = goPattern[j];
    if (c === '\\') { j++; continue; }
    if (c === '[') {
      j++;
      if (goPattern[j] === '^') j++;
      if (goPattern[j] === ']') j++;
      while (j < goPattern.length && goPattern[j] !== ']') j += goPattern[j] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')') {
      if (depth === 0) break;
      depth--;
    }
  }
  return goPattern.slice(0, at) + foldCase(goPattern.slice(at + 4, j).split('(?i)').join('')) + jsPatternOf(goPattern.slice(j));
}
