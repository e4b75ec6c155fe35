/**
 * The YAML emitter's generated corpus (test/yaml-corpus.ts) larger than in `npm test` (300 documents, 600
 * strings) and with other seeds: 6000 nested documents and 9000 strings in six positions each, byte for byte
 * against `yaml`'s own stringify (with the YAML 1.1 readers' tags as compat), each string document read back
 * the same under YAML 1.1 (the gate's reading: what kubectl and PyYAML read). In this lane because it is CPU
 * work that fills the cores while the fault scenarios wait on Sentinel and HAProxy.
 */
import { checkDocuments, checkStrings } from '../yaml-corpus';

test.each([1, 2, 3])('6000/3 random nested JSON documents (seed 100%i)', (i) => checkDocuments(2000, 1000 + i));
test.each([1, 2, 3])('9000/3 single strings as a value and a key at several depths (seed 200%i)', (i) => checkStrings(3000, 2000 + i));
