/** The fault table (redis-chaos.scenarios.ts), part 1 of 2, against Redis (the production fixture as it is). */
import { useScenarioPart } from './engine';

useScenarioPart(1);
require('./redis-chaos.scenarios');
