/**
 * The canvas of a published flow: per message step, how many got it and how many of them
 * came back over the last 30 days (`GET /v1/flows/:id/results/steps`), in the owner's words.
 */
import { useMemo } from 'react';
import { api, call } from '../api';
import { useApi } from '../shell/use-api';
import './results.css';

export interface StepResultCounts {
  readonly got: number;
  readonly cameBack: number;
}

export type StepResultsByNode = ReadonlyMap<string, StepResultCounts>;

const NONE: StepResultsByNode = new Map();

/** The flow's counts by step id; empty for a flow never published (no runs to count). */
export function useStepResults(flowId: string, published: boolean): StepResultsByNode {
  const loaded = useApi(
    () =>
      published
        ? call(api.v1.flows[':id'].results.steps.$get({ param: { id: flowId }, query: {} }))
        : Promise.resolve({ items: [] as { nodeId: string; got: number; cameBack: number }[] }),
    [flowId, published],
  );
  const items = loaded.data?.items;
  return useMemo(() => (items ? new Map(items.map((i) => [i.nodeId, { got: i.got, cameBack: i.cameBack }])) : NONE), [items]);
}

/** "312 got it · 41 came back" (last 30 days); "Nobody got it in the last 30 days" when none did. */
export function stepResultText(counts: StepResultCounts | undefined): string {
  if (!counts || counts.got === 0) return 'Nobody got it in the last 30 days';
  return `${counts.got.toLocaleString('en')} got it · ${counts.cameBack.toLocaleString('en')} came back`;
}
