import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@limitedcart/core/testing';

const run = promisify(execFile);
const script = resolve(import.meta.dirname, '../../../../scripts/services/kafka.sh');

/**
 * A Kafka broker of the fault suite's own, on its own ports and storage: started with the same script as the
 * shared broker (the jars it fetched once are reused), so a row can kill it without touching anyone else's.
 */
export interface PrivateKafka {
  readonly brokers: string;
  /** SIGKILL to the broker's JVM: no clean shutdown, the storage recovers on the next start. */
  kill9(): Promise<void>;
  /** Starts it again on the same storage and waits until it serves metadata. */
  start(): Promise<void>;
  /** Stops it and deletes its storage. */
  drop(): Promise<void>;
}

export async function startPrivateKafka(port: number, controllerPort: number): Promise<PrivateKafka> {
  const state = await mkdtemp(join(tmpdir(), 'lc-faults-kafka-'));
  const env = {
    ...process.env,
    LIMITEDCART_STATE: state,
    LIMITEDCART_KAFKA_PORT: String(port),
    LIMITEDCART_KAFKA_CONTROLLER_PORT: String(controllerPort),
    LIMITEDCART_KAFKA_HEAP: '384m',
  };
  const pidFile = join(state, 'kafka', String(port), 'kafka.pid');
  const start = async () => {
    await run('bash', [script], { env, timeout: 120_000 });
  };
  await start();
  return {
    brokers: `127.0.0.1:${port}`,
    async kill9() {
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      process.kill(pid, 'SIGKILL');
      await waitFor(
        () => {
          try {
            process.kill(pid, 0);
            return false;
          } catch {
            return true;
          }
        },
        { timeoutMs: 10_000, intervalMs: 20, message: `kafka broker ${pid} to exit` },
      );
    },
    start,
    async drop() {
      await run('bash', [script, 'stop'], { env, timeout: 90_000 }).catch(() => undefined);
      await rm(state, { recursive: true, force: true });
    },
  };
}
