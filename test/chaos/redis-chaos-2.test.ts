/** The fault table (redis-chaos.scenarios.ts), part 2 of 2, against Redis (the production fixture as it is). */
import { useScenarioPart } from './engine';

useScenarioPart(2);
require('./redis-chaos.scenarios');
