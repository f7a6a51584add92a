import { type ChildProcess, spawn } from 'node:child_process';
import { waitFor } from '@limitedcart/core/testing';
import { Redis } from 'ioredis';

/** A Redis of the fault suite's own on `port`, without persistence; a child of the test, stopped with it. */
export interface PrivateRedis {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startPrivateRedis(port: number): Promise<PrivateRedis> {
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const answers = async (): Promise<boolean> => {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return (await redis.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      redis.disconnect();
    }
  };
  await waitFor(answers, { timeoutMs: 10_000, intervalMs: 50, message: `private redis on ${port}` });
  return {
    url,
    async stop() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
