/** The fault table (redis-chaos.scenarios.ts), part 2 of 2, against Valkey: the production fixture with redis.engine valkey (engine.ts). */
import { useEngine, useScenarioPart } from './engine';

useEngine('valkey');
useScenarioPart(2);
require('./redis-chaos.scenarios');
