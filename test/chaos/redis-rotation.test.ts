/** The password rotation (redis-rotation.scenarios.ts) against Redis (the production fixture as it is). */
require('./redis-rotation.scenarios');
