import { useCallback, useState } from 'react';

/** A user action (a form submit, a button) and what its last run left: still running, or the error it failed with. */
export interface Action {
  readonly pending: boolean;
  /** What the last run threw, for an `ErrorAlert`; null while running and after a success. */
  readonly error: unknown;
  /** Runs `work`, pending meanwhile; a failure is kept in `error`, never thrown to the caller. */
  readonly run: (work: () => Promise<void>) => Promise<void>;
}

export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = useCallback(async (work: () => Promise<void>) => {
    setPending(true);
    setError(null);
    try {
      await work();
    } catch (caught) {
      setError(caught);
    } finally {
      setPending(false);
    }
  }, []);
  return { pending, error, run };
}
