/** The fault table (redis-chaos.scenarios.ts) against Redis (the production fixture as it is). */
require('./redis-chaos.scenarios');
