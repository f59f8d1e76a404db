/** The API answers the inspector reads, as the typed client infers them (the routes are the contract). */
import type { api, Ok } from '../api';

type Answer<F extends (...args: never[]) => Promise<unknown>> = Ok<Awaited<ReturnType<F>>>;

export type RunReport = Answer<(typeof api.v1.runs)[':id']['$get']>;
export type RunListItem = Answer<typeof api.v1.runs.$get>['items'][number];
export type Delivery = Answer<(typeof api.v1.runs)[':id']['deliveries']['$get']>['items'][number];
export type RunHistory = Answer<(typeof api.v1.runs)[':id']['history']['$get']>;
export type HistoryEvent = RunHistory['events'][number];
export type FlowVersion = Answer<(typeof api.v1.flows)[':id']['versions'][':version']['$get']>;

/** Per-step counts of a run, as FlowView draws them on each node. */
export interface StepOverlay {
  entered?: number;
  sent?: number;
  failed?: number;
  skipped?: number;
  waiting?: number;
}
