import { useEffect, useState } from 'react';
import { serverNow } from '../api/server-clock.js';

/**
 * The server's current time as this tab estimates it (see `server-clock.ts`), refreshed every `intervalMs`: what
 * countdowns and on-sale or hold decisions run on.
 */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    const timer = setInterval(() => setNow(serverNow()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
