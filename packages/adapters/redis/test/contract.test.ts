import { describeAdmissionQueueContract, describeStockGateContract } from '@limitedcart/core/testing';
import { createRedisAdmissionQueue, createRedisStockGate } from '../src/index.js';
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

  describeAdmissionQueueContract('redis', async () => {
    const redis = connect();
    const keyPrefix = uniquePrefix('queue');
    return {
      queue: createRedisAdmissionQueue({ redis, keyPrefix }),
      close: async () => {
        await deleteKeysUnder(redis, keyPrefix);
        await redis.quit();
      },
    };
  });
}
