import { describeStockGateContract } from '@limitedcart/core/testing';
import { createRedisStockGate } from '../src/index.js';
import { connect, deleteKeysUnder, redisUrl, uniquePrefix } from './redis-env.js';

if (redisUrl !== undefined) {
  describeStockGateContract('redis', async () => {
    const redis = connect();
    const keyPrefix = uniquePrefix('contract');
    const gate = createRedisStockGate({ redis, keyPrefix });
    return {
      gate,
      close: async () => {
        await deleteKeysUnder(redis, keyPrefix);
        await redis.quit();
      },
    };
  });
}
