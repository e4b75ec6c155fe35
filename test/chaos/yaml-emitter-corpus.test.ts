/**
 * The YAML emitter's generated corpus (test/yaml-corpus.ts) ten times larger than in `npm test`, with
 * other seeds: 15000 nested documents and 30000 strings in six positions each, byte for byte against
 * `yaml`'s own stringify (with the YAML 1.1 readers' tags as compat), each string document read back the same
 * under YAML 1.1 (the gate's reading: what kubectl and PyYAML read).
 */
import { checkDocuments, checkStrings } from '../yaml-corpus';

test.each([1, 2, 3])('15000/3 random nested JSON documents (seed 100%i)', (i) => checkDocuments(5000, 1000 + i));
test.each([1, 2, 3])('30000/3 single strings as a value and a key at several depths (seed 200%i)', (i) => checkStrings(10000, 2000 + i));
