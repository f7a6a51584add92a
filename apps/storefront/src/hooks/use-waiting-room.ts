import { useCallback, useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/problem.js';
import { queue, type QueueTicket } from '../api/queue.js';
import { withEvent } from '../components/queue-ticket.js';
import { useQueueEvents, useStreamState } from '../live/live.js';

/** Polled this often at least while the stream is open: the stream tells first, the poll is the safety net. */
const POLL_WITH_STREAM_S = 30;
const MIN_POLL_S = 1;

export type JoinPhase = 'idle' | 'checking' | 'joining';

export interface WaitingRoom {
  /** undefined while loading; null when the shopper is not in this drop's queue. */
  readonly ticket: QueueTicket | null | undefined;
  readonly error: unknown;
  readonly phase: JoinPhase;
  /** Whether live updates arrive over the stream (else the page polls at the server's pace). */
  readonly live: boolean;
  join(): Promise<void>;
  leave(): Promise<void>;
  refresh(): Promise<void>;
}

/**
 * The signed-in shopper's place in a drop's waiting room: `GET /queue/me` as the source of truth, the stream's
 * queue events applied on top when they are newer than the last fetch (an event replayed on reconnect is older
 * and loses), and a poll at the server's `nextPollSeconds` as the fallback when the stream is down. Joining
 * solves the queue's proof-of-work challenge first when it asks for one.
 */
export function useWaitingRoom(productId: string): WaitingRoom {
  const [fetched, setFetched] = useState<{ ticket: QueueTicket | null; at: number } | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [phase, setPhase] = useState<JoinPhase>('idle');
  const streamState = useStreamState();
  const events = useQueueEvents(productId);
  const generation = useRef(0);

  const refresh = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const ticket = await queue.me(productId);
      if (mine === generation.current) setFetched({ ticket, at: Date.now() });
      setError(null);
    } catch (caught) {
      if (mine !== generation.current) return;
      if (isApiError(caught, 'NOT_IN_QUEUE')) setFetched({ ticket: null, at: Date.now() });
      else setError(caught);
    }
  }, [productId]);

  useEffect(() => {
    setFetched(undefined);
    void refresh();
  }, [refresh]);

  // The stream's newest word on this drop, if it came after the last fetch.
  const latest = events.at(-1);
  const fresh = latest && fetched && latest.receivedAt > fetched.at ? latest.event : undefined;
  // Admitted, lapsed or sold out: the ticket changed state; fetch it (the token and deadline come with it).
  const stateEvents = events.filter((entry) => entry.event.type !== 'queue.position').length;
  useEffect(() => {
    if (stateEvents > 0) void refresh();
  }, [stateEvents, refresh]);

  const ticket = fetched?.ticket && fresh ? withEvent(fetched.ticket, fresh) : fetched?.ticket;

  // The fallback poll, at the server's pace; slower while the stream is open. Final states are not polled.
  const live = streamState === 'open';
  const state = ticket?.state;
  const nextPoll = ticket?.nextPollSeconds;
  // Each fetch schedules the next one: `fetched` is the trigger.
  // biome-ignore lint/correctness/useExhaustiveDependencies: fetched marks a completed fetch
  useEffect(() => {
    if (state !== 'WAITING' && state !== 'ADMITTED') return;
    const seconds = Math.max(MIN_POLL_S, live ? Math.max(nextPoll ?? POLL_WITH_STREAM_S, POLL_WITH_STREAM_S) : (nextPoll ?? 5));
    const timer = setTimeout(() => void refresh(), seconds * 1000);
    return () => clearTimeout(timer);
  }, [state, nextPoll, live, refresh, fetched]);

  const join = useCallback(async () => {
    setError(null);
    try {
      const status = await queue.status(productId);
      let altcha: string | undefined;
      if (status.proofOfWork) {
        setPhase('checking');
        const [{ solveAltcha }, challenge] = await Promise.all([import('../api/proof-of-work.js'), queue.challenge(productId)]);
        altcha = await solveAltcha(challenge);
      }
      setPhase('joining');
      const ticket = await queue.join(productId, altcha);
      ++generation.current;
      setFetched({ ticket, at: Date.now() });
    } catch (caught) {
      setError(caught);
    } finally {
      setPhase('idle');
    }
  }, [productId]);

  const leave = useCallback(async () => {
    setError(null);
    try {
      const ticket = await queue.leave(productId);
      ++generation.current;
      setFetched({ ticket, at: Date.now() });
    } catch (caught) {
      setError(caught);
    }
  }, [productId]);

  return { ticket, error, phase, live, join, leave, refresh };
}

