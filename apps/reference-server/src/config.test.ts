import { DEFAULT_TUNING } from '@limitedcart/adapter-pg-boss';
import { DEFAULT_ENGINE_CONFIG } from '@limitedcart/core';
import { describe, expect, it } from 'vitest';
import { loadConfig, sagaHeadStartsOf } from './config.js';

describe('saga tuning variables', () => {
  it('default to the engine and pg-boss runner defaults', () => {
    const config = loadConfig({});
    expect(sagaHeadStartsOf(config)).toBe(DEFAULT_ENGINE_CONFIG.sagaHeadStarts);
    expect(config.SAGA_WORKER_LOOPS).toBe(DEFAULT_TUNING.concurrency);
    expect(config.SAGA_WORKER_BATCH_SIZE).toBe(DEFAULT_TUNING.batchSize);
  });

  it('leave saga starts to the order.placed subscriber with Temporal unless SAGA_HEAD_STARTS is set', () => {
    expect(sagaHeadStartsOf(loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233' }))).toBe(0);
    expect(sagaHeadStartsOf(loadConfig({ TEMPORAL_ADDRESS: '127.0.0.1:7233', SAGA_HEAD_STARTS: '64' }))).toBe(64);
  });

  it('take set values and refuse values out of range, naming each', () => {
    expect(loadConfig({ SAGA_HEAD_STARTS: '0', SAGA_WORKER_LOOPS: '2', SAGA_WORKER_BATCH_SIZE: '16' })).toMatchObject({
      SAGA_HEAD_STARTS: 0,
      SAGA_WORKER_LOOPS: 2,
      SAGA_WORKER_BATCH_SIZE: 16,
    });
    expect(() => loadConfig({ SAGA_WORKER_LOOPS: '0', SAGA_WORKER_BATCH_SIZE: 'many' })).toThrow(
      /SAGA_WORKER_LOOPS[\s\S]*SAGA_WORKER_BATCH_SIZE/,
    );
  });
});
