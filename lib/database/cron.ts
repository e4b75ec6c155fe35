/**
 * The cron parser CloudNativePG's ScheduledBackup webhook and controller use: github.com/robfig/cron v1.2.0,
 * `cron.Parse` (six fields, seconds first; a missing weekday defaults to `*`; descriptors such as @daily).
 * Ported from its parser.go and spec.go so that the config refuses what the operator cannot schedule, with
 * the parser's own error text.
 */

interface Bounds { readonly min: number; readonly max: number; readonly names?: Record<string, number> }

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DAYS: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly [string, Bounds][] = [
  ['seconds', { min: 0, max: 59 }], ['minutes', { min: 0, max: 59 }], ['hours', { min: 0, max: 23 }],
  ['day of month', { min: 1, max: 31 }], ['month', { min: 1, max: 12, names: MONTHS }], ['day of week', { min: 0, max: 6, names: DAYS }],
];
const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** The values each field selects (seconds, minutes, hours, day of month, month, weekday). */
export type CronSchedule = Set<number>[];

class CronError extends Error {}

function parseInt10(expr: string): number {
  // Go's strconv.Atoi: optional sign, decimal digits.
  if (!/^[+-]?\d+$/.test(expr)) throw new CronError(`Failed to parse int from ${expr}: strconv.Atoi: parsing "${expr}": invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new CronError(`Negative number (${n}) not allowed: ${expr}`);
  return n;
}

function range(expr: string, b: Bounds): number[] {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  const named = (x: string) => (b.names && x.toLowerCase() in b.names ? b.names[x.toLowerCase()] : parseInt10(x));
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = named(lowAndHigh[0]);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = named(lowAndHigh[1]);
    else throw new CronError(`Too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt10(rangeAndStep[1]);
    if (single) end = b.max;
  } else if (rangeAndStep.length > 2) throw new CronError(`Too many slashes: ${expr}`);
  if (start < b.min) throw new CronError(`Beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronError(`End of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronError(`Beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronError(`Step of range should be a positive number: ${expr}`);
  const out: number[] = [];
  for (let i = start; i <= end; i += step) out.push(i);
  return out;
}

/** robfig/cron v1.2.0 `Parse`: the schedule, or the parser's error message. */
export function parseCron(spec: string): { schedule: CronSchedule } | { error: string } {
  try {
    if (spec.length === 0) throw new CronError('Empty spec string');
    if (spec[0] === '@') {
      if (DESCRIPTORS.includes(spec) || spec.startsWith('@every ')) return { schedule: [] };
      throw new CronError(`Unrecognized descriptor: ${spec}`);
    }
    const fields = spec.split(/\s+/).filter(Boolean);
    if (fields.length < 5 || fields.length > 6) throw new CronError(`Expected 5 to 6 fields, found ${fields.length}: ${spec}`);
    if (fields.length === 5) fields.push('*');
    return { schedule: fields.map((f, i) => new Set(f.split(',').filter(Boolean).flatMap((e) => range(e, FIELDS[i][1])))) };
  } catch (e) {
    if (e instanceof CronError) return { error: e.message };
    throw e;
  }
}
