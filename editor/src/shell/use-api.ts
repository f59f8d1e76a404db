/** Loading one API answer into a page, with its error and a reload. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api';

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly error: string | undefined;
  readonly loading: boolean;
  /** Loads again; the current data stays visible meanwhile (no layout jump). */
  reload(): void;
}

/**
 * Runs `load` when `deps` change and on `reload()`. Answers that arrive after a newer
 * request are dropped, so a slow old answer never overwrites a fresh one.
 *
 * @example
 * const flows = useApi(() => call(api.v1.flows.$get({ query: {} })), []);
 */
export function useApi<T>(load: () => Promise<T>, deps: readonly unknown[], options: { pollMs?: number } = {}): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);

  useEffect(() => {
    const id = ++latest.current;
    setLoading(true);
    load()
      .then((value) => {
        if (id !== latest.current) return;
        setData(value);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (id === latest.current) setError(messageOf(err));
      })
      .finally(() => {
        if (id === latest.current) setLoading(false);
      });
  }, [...deps, tick]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = window.setInterval(() => setTick((t) => t + 1), options.pollMs);
    return () => window.clearInterval(timer);
  }, [options.pollMs]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
