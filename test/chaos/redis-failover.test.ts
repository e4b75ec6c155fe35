/** The failover and preStop hand-over test (redis-failover.scenarios.ts) against Redis (the production fixture as it is). */
require('./redis-failover.scenarios');
