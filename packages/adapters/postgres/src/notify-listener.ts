import type { Client } from 'pg';
import { toLimitedCartError } from './errors.js';
import { quoteIdent } from './sql.js';

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * One dedicated connection that LISTENs on the outbox channel and turns notifications into wake-ups.
 * NOTIFY is only a hint: after every (re)connect it wakes everyone, because notifications sent while it was
 * disconnected are lost, and subscribers also poll. Reconnects with backoff until closed.
 */
export class NotifyListener {
  #client: Client | undefined;
  #closed = false;
  #failures = 0;
  #retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly makeClient: () => Client,
    private readonly channel: string,
    private readonly wake: (topic: string | null) => void,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Connects and LISTENs; throws `INFRASTRUCTURE` if the first attempt fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    const client = this.makeClient();
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.wake(message.payload ?? null);
    });
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('LISTEN connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(this.channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw toLimitedCartError(error, 'event bus LISTEN connection');
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#failures = 0;
    this.wake(null);
  }

  #lost(client: Client, error: unknown): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    client.end().catch(() => {});
    this.onError(error);
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#closed) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.#failures);
    this.#failures += 1;
    this.#retry = setTimeout(() => {
      this.#connect().catch((error: unknown) => {
        this.onError(error);
        this.#scheduleReconnect();
      });
    }, delay);
    this.#retry.unref();
  }
}
