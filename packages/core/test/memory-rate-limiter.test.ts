import { createMemoryRateLimiter } from '../src/memory/rate-limiter.js';
import { describeRateLimiterContract } from '../src/testing/rate-limiter-contract.js';

describeRateLimiterContract('memory', async () => ({ limiter: createMemoryRateLimiter(), close: async () => {} }));
