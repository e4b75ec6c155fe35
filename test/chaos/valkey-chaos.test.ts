/** The fault table (redis-chaos.scenarios.ts) against Valkey: the production fixture with redis.engine valkey (test/chaos/engine.ts). */
import { useEngine } from './engine';

useEngine('valkey');
require('./redis-chaos.scenarios');
