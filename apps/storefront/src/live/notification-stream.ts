import { apiUrl } from '../api/base.js';
import { QUEUE_EVENT_TYPES, type QueueEvent } from '../api/queue.js';
import type { OrderProgress } from '../api/types.js';

export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface ProgressEvent {
  /** The server's event id (stable across replicas and replays). */
  readonly id: string;
  readonly progress: OrderProgress;
}

export interface LiveQueueEvent {
  /** The server's event id, when it sent one. */
  readonly id: string | null;
  readonly event: QueueEvent;
  /** Local time of arrival: a ticket fetched later is newer than this event (replays arrive first). */
  readonly receivedAt: number;
}

/** Queue events kept per tab: positions arrive about once a second per drop, only the recent ones matter. */
const QUEUE_EVENTS_KEPT = 200;

/** Any id the server has not retained: asks it to replay everything it kept for this customer. */
const REPLAY_ALL = 'replay-all';
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 5_000;

/**
 * The caller's notification stream (`GET /api/notifications/stream`) over EventSource. The token goes in
 * `?access_token=` because EventSource cannot send headers; it is read afresh for every connection, since the
 * server ends a stream (an `end` event) when the token that opened it expires or its session is revoked. The first connection asks for a full replay
 * (so a reloaded order page shows its whole timeline); the browser's own reconnects send `Last-Event-ID`;
 * when the browser gives up (an error status), this class reconnects itself with backoff from the last id
 * seen. Events are deduplicated by id, so replays never double an entry.
 */
export class NotificationStream {
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = RETRY_MIN_MS;
  private lastEventId: string | null = null;
  private readonly seen = new Set<string>();
  private readonly events: ProgressEvent[] = [];
  private queueEvents: readonly LiveQueueEvent[] = [];
  private stateValue: StreamState = 'closed';
  private readonly listeners = new Set<() => void>();
  private version = 0;

  constructor(
    private readonly token: () => string | null,
    private readonly baseUrl = apiUrl('/api/notifications/stream'),
  ) {}

  start(): void {
    this.open();
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.source?.close();
    this.source = null;
    this.setState('closed');
  }

  /** Every progress event received so far, in arrival order. Same array until something changes. */
  snapshot(): readonly ProgressEvent[] {
    return this.events;
  }

  /** Waiting-room events received so far (the most recent ones), in arrival order. Same array until one arrives. */
  queueSnapshot(): readonly LiveQueueEvent[] {
    return this.queueEvents;
  }

  state(): StreamState {
    return this.stateValue;
  }

  /** A number that changes whenever the events or the state change (for `useSyncExternalStore`). */
  revision(): number {
    return this.version;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private open(): void {
    const token = this.token();
    if (token === null) {
      this.scheduleRetry();
      return;
    }
    const params = new URLSearchParams({ access_token: token, lastEventId: this.lastEventId ?? REPLAY_ALL });
    const source = new EventSource(`${this.baseUrl}?${params.toString()}`);
    this.source = source;
    this.setState(this.lastEventId === null && this.events.length === 0 ? 'connecting' : 'reconnecting');
    source.addEventListener('open', () => {
      this.retryMs = RETRY_MIN_MS;
      this.setState('open');
    });
    source.addEventListener('order.progress', (message) => this.receive(message as MessageEvent<string>));
    for (const type of QUEUE_EVENT_TYPES) {
      source.addEventListener(type, (message) => this.receiveQueue(type, message as MessageEvent<string>));
    }
    // The server ended the stream with its token: reconnect at once with the session's current token (the
    // browser's own reconnect would resend the old URL).
    source.addEventListener('end', () => {
      source.close();
      this.open();
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        // The browser stopped retrying (an error status or a wrong content type): retry ourselves.
        source.close();
        this.scheduleRetry();
      } else {
        this.setState('reconnecting');
      }
    });
  }

  private scheduleRetry(): void {
    this.setState('reconnecting');
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private receive(message: MessageEvent<string>): void {
    const id = message.lastEventId;
    if (id) this.lastEventId = id;
    if (!id || this.seen.has(id)) return;
    let progress: OrderProgress;
    try {
      progress = JSON.parse(message.data) as OrderProgress;
    } catch {
      return;
    }
    this.seen.add(id);
    this.events.push({ id, progress });
    this.changed();
  }

  private receiveQueue(type: QueueEvent['type'], message: MessageEvent<string>): void {
    const id = message.lastEventId || null;
    if (id) {
      this.lastEventId = id;
      if (this.seen.has(id)) return;
    }
    let data: Omit<QueueEvent, 'type'>;
    try {
      data = JSON.parse(message.data) as Omit<QueueEvent, 'type'>;
    } catch {
      return;
    }
    if (id) this.seen.add(id);
    const entry: LiveQueueEvent = { id, event: { ...data, type } as QueueEvent, receivedAt: Date.now() };
    this.queueEvents = [...this.queueEvents.slice(-(QUEUE_EVENTS_KEPT - 1)), entry];
    this.changed();
  }

  private setState(state: StreamState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.changed();
  }

  private changed(): void {
    this.version++;
    for (const listener of this.listeners) listener();
  }
}
