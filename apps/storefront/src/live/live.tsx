import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useSession } from '../session/session.js';
import { type LiveQueueEvent, NotificationStream, type ProgressEvent, type StreamState } from './notification-stream.js';

const StreamContext = createContext<NotificationStream | null>(null);

/** One notification stream per signed-in session, shared by every page. */
export function LiveProvider({ children }: { readonly children: ReactNode }) {
  const { user, currentToken } = useSession();
  const userId = user?.id ?? null;
  const [stream, setStream] = useState<NotificationStream | null>(null);
  // One stream per signed-in user, not per access token: it reads the current token whenever it connects.
  // biome-ignore lint/correctness/useExhaustiveDependencies: currentToken reads the session's latest token
  useEffect(() => {
    if (!userId) return;
    const next = new NotificationStream(currentToken);
    next.start();
    setStream(next);
    return () => {
      next.stop();
      setStream(null);
    };
  }, [userId]);
  return <StreamContext.Provider value={stream}>{children}</StreamContext.Provider>;
}

const NO_EVENTS: readonly ProgressEvent[] = [];
const noop = () => () => {};

function useStream(): NotificationStream | null {
  return useContext(StreamContext);
}

/** The connection state of the stream (`closed` when signed out). */
export function useStreamState(): StreamState {
  const stream = useStream();
  return useSyncExternalStore(stream ? (l) => stream.subscribe(l) : noop, () => stream?.state() ?? 'closed');
}

/** Progress events of one order (or of all orders without an id), oldest first. */
export function useOrderProgress(orderId?: string): readonly ProgressEvent[] {
  const stream = useStream();
  // The stream appends in place and bumps its revision: the revision is what React compares.
  const revision = useSyncExternalStore(stream ? (l) => stream.subscribe(l) : noop, () => stream?.revision() ?? 0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision marks a change of the stream's events
  return useMemo(() => {
    const all = stream?.snapshot() ?? NO_EVENTS;
    return orderId === undefined ? [...all] : all.filter((event) => event.progress.orderId === orderId);
  }, [stream, orderId, revision]);
}

const NO_QUEUE_EVENTS: readonly LiveQueueEvent[] = [];

/** Waiting-room events of one drop (queue position, admitted, lapsed, sold out), oldest first. */
export function useQueueEvents(productId: string): readonly LiveQueueEvent[] {
  const stream = useStream();
  const snapshot = useSyncExternalStore(stream ? (l) => stream.subscribe(l) : noop, () => stream?.queueSnapshot() ?? NO_QUEUE_EVENTS);
  return useMemo(() => snapshot.filter((entry) => entry.event.productId === productId), [snapshot, productId]);
}
