/** A keyset-paginated list in a page: first page, "Load more", refresh and polling without jumps. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { messageOf } from '../api';

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string | null;
}

export interface Paged<T> {
  /** Undefined until the first page arrives; kept while a new one loads (no layout jump). */
  readonly items: readonly T[] | undefined;
  readonly error: string | undefined;
  /** The first page (or a refresh) is on its way. */
  readonly loading: boolean;
  readonly loadingMore: boolean;
  readonly hasMore: boolean;
  loadMore(): void;
  /** Loads again as many rows as are shown now. */
  reload(): void;
}

const MAX_LIMIT = 1000;

/**
 * Loads `load(cursor, limit)` when `deps` change (from the first page) and on `reload()` or
 * every `pollMs` (as many rows as are shown, so the list does not shrink under the reader).
 * Answers that arrive after a newer request are dropped.
 *
 * @example
 * const runs = usePaged((cursor, limit) => call(api.v1.runs.$get({ query: { limit: String(limit), cursor } })), []);
 */
export function usePaged<T>(
  load: (cursor: string | undefined, limit: number) => Promise<Page<T>>,
  deps: readonly unknown[],
  options: { pageSize?: number; pollMs?: number | undefined } = {},
): Paged<T> {
  const pageSize = options.pageSize ?? 50;
  const [items, setItems] = useState<readonly T[]>();
  const [nextCursor, setNextCursor] = useState<string | null>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const shown = useRef(0);
  const moreInFlight = useRef(false);
  const lastDeps = useRef<readonly unknown[] | null>(null);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    const depsChanged = !lastDeps.current || deps.length !== lastDeps.current.length || deps.some((d, i) => !Object.is(d, lastDeps.current?.[i]));
    lastDeps.current = deps;
    if (!depsChanged && moreInFlight.current) return;
    const limit = depsChanged ? pageSize : Math.min(MAX_LIMIT, Math.max(pageSize, shown.current));
    const id = ++latest.current;
    setLoading(true);
    loadRef
      .current(undefined, limit)
      .then((page) => {
        if (id !== latest.current) return;
        shown.current = page.items.length;
        setItems(page.items);
        setNextCursor(page.nextCursor ?? null);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (id === latest.current) setError(messageOf(err));
      })
      .finally(() => {
        if (id === latest.current) setLoading(false);
      });
  }, [...deps, tick, pageSize]);

  useEffect(() => {
    if (!options.pollMs) return;
    const timer = window.setInterval(() => {
      if (!document.hidden) setTick((t) => t + 1);
    }, options.pollMs);
    return () => window.clearInterval(timer);
  }, [options.pollMs]);

  const loadMore = useCallback(() => {
    if (!nextCursor || moreInFlight.current) return;
    const id = ++latest.current;
    moreInFlight.current = true;
    setLoadingMore(true);
    loadRef
      .current(nextCursor, pageSize)
      .then((page) => {
        if (id !== latest.current) return;
        setItems((old) => {
          const next = [...(old ?? []), ...page.items];
          shown.current = next.length;
          return next;
        });
        setNextCursor(page.nextCursor ?? null);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (id === latest.current) setError(messageOf(err));
      })
      .finally(() => {
        moreInFlight.current = false;
        setLoadingMore(false);
        if (id === latest.current) setLoading(false);
      });
  }, [nextCursor, pageSize]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { items, error, loading, loadingMore, hasMore: Boolean(nextCursor), loadMore, reload };
}
