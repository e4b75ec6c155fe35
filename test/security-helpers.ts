/** A fixture environment with some keys changed (deep merge; arrays and scalars replace), for tests of one setting. */
import * as YAML from 'yaml';
import { fixtureText, inlineEnvironment } from './helpers';
import type { Environment } from '../lib/config';

const merge = (a: any, b: any): any => (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)
  ? Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => [k, k in b ? merge(a[k], b[k]) : a[k]]))
  : b);

export function fixtureWith(name: string, change: object): Environment {
  return inlineEnvironment(name, YAML.stringify(merge(YAML.parse(fixtureText(name)), change)));
}
