import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { parseDropOptions, UsageError } from './options.js';

const parse = (...args: string[]) => parseDropOptions(args, '/tmp/results');

describe('parseDropOptions', () => {
  it('defaults to the issue drop: embedded, 1,000 units, 20,000 shoppers, 512 connections, 10 s, 1 process', () => {
    expect(parse()).toMatchObject({
      profile: 'embedded',
      units: 1000,
      shoppers: 20_000,
      connections: 512,
      durationSeconds: 10,
      processes: 1,
      server: 'dist',
      sagaWorkers: 0,
      setup: 'seed',
      quick: false,
      resultsDir: '/tmp/results',
    });
  });

  it('shrinks everything with --quick, and explicit flags still win', () => {
    expect(parse('--quick')).toMatchObject({ units: 100, shoppers: 400, connections: 64, warmupRequests: 200, quick: true });
    expect(parse('--quick', '--units', '7')).toMatchObject({ units: 7, shoppers: 400 });
  });

  it('--queue: the waiting-room drop, scaled down with --quick; shares are checked', () => {
    expect(parse().queue).toBeNull();
    expect(parse('--queue')).toMatchObject({ shoppers: 20_000, units: 1000, queue: { joinWindowSeconds: 60, botAccounts: 10, abandonShare: 0.1 } });
    expect(parse('--quick', '--queue')).toMatchObject({ shoppers: 2_000, units: 100, queue: { joinWindowSeconds: 5, admitForSeconds: 15 } });
    expect(() => parse('--queue', '--abandon', '1.5')).toThrow(UsageError);
  });

  it('reads --saga-worker and --saga-workers', () => {
    expect(parse('--processes', '2', '--saga-worker')).toMatchObject({ processes: 2, sagaWorkers: 1 });
    expect(parse('--saga-workers', '2')).toMatchObject({ sagaWorkers: 2 });
    expect(() => parse('--saga-workers', 'x')).toThrow(/non-negative integer/);
  });

  it('reads --server: the compiled packages or the TypeScript sources', () => {
    expect(parse('--server', 'source')).toMatchObject({ server: 'source' });
    expect(() => parse('--server', 'ts')).toThrow(/one of dist, source/);
  });

  it('reads --processes cores as one per core, and passes a leading -- through', () => {
    expect(parse('--', '--processes', 'cores', '--profile', 'redis')).toMatchObject({ processes: availableParallelism(), profile: 'redis' });
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parse('--units', '0')).toThrow(UsageError);
    expect(() => parse('--profile', 'cloud')).toThrow(/one of embedded, redis, distributed/);
    expect(() => parse('--shoppers', '1.5')).toThrow(UsageError);
    expect(() => parse('--what')).toThrow(UsageError);
  });
});
