/** One user action that calls the API: whether it is under way, and its error, shown where it happened. */
import { useCallback, useState } from 'react';
import { messageOf } from '../api';

export interface Action {
  readonly busy: boolean;
  readonly error: string | undefined;
  /** Runs `work`, clearing the last error first; a thrown error becomes `error`. */
  run(work: () => Promise<void>): Promise<void>;
}

export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}
