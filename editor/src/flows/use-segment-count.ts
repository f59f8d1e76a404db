/**
 * The live "≈ 42 customers" of a segment node: `POST /v1/segments/count`, asked only for
 * conditions the segment schema accepts, debounced while they are edited, and cached by
 * conditions and card (many nodes with the same conditions ask once).
 */
import { useEffect, useMemo, useState } from 'react';
import { segmentDataSchema } from '../../../engine/compiler';
import { api, call, messageOf } from '../api';

export type SegmentCount =
  | { readonly state: 'idle' }
  | { readonly state: 'loading' }
  | { readonly state: 'done'; readonly count: number }
  | { readonly state: 'error'; readonly message: string };

const TTL_MS = 60_000;
const DEBOUNCE_MS = 500;
const cache = new Map<string, { at: number; answer: Promise<SegmentCount> }>();

function fetchCount(
  key: string,
  body: Parameters<typeof api.v1.segments.count.$post>[0]['json'],
): Promise<SegmentCount> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.answer;
  const answer = call(api.v1.segments.count.$post({ json: body }))
    .then((r): SegmentCount => ({ state: 'done', count: r.count }))
    .catch((err: unknown): SegmentCount => {
      cache.delete(key); // errors are not cached: the next edit asks again
      return { state: 'error', message: messageOf(err) };
    });
  cache.set(key, { at: Date.now(), answer });
  return answer;
}

/** How many customers the segment matches now; `idle` while its conditions are invalid. */
export function useSegmentCount(
  data: Record<string, unknown>,
  cardId: string | undefined,
  enabled: boolean,
): SegmentCount {
  const request = useMemo(() => {
    if (!enabled) return undefined;
    const parsed = segmentDataSchema.safeParse(data);
    if (!parsed.success) return undefined;
    const body = { segment: parsed.data, ...(cardId ? { cardId } : {}) };
    return { key: JSON.stringify(body), body };
  }, [data, cardId, enabled]);
  const [result, setResult] = useState<{ key: string; count: SegmentCount }>();

  useEffect(() => {
    if (!request) return;
    let live = true;
    const cached = cache.has(request.key);
    const timer = window.setTimeout(
      () => {
        void fetchCount(request.key, request.body).then((count) => {
          if (live) setResult({ key: request.key, count });
        });
      },
      cached ? 0 : DEBOUNCE_MS,
    );
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [request]);

  if (!request) return { state: 'idle' };
  // Until the answer for these conditions arrives, keep showing the previous one as loading.
  return result?.key === request.key ? result.count : { state: 'loading' };
}
