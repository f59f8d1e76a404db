/** What the journey tests need of the API beyond `test/e2e/http.ts`: PUT, republishing, a run's version. */
import { api, ok, type Answer, type App, type Merchant, type RunReport } from '../e2e/http';
import type { Graph } from '../support/graphs';

/** A run as `GET /v1/runs/:id` answers it, with the version it is pinned to. */
export type VersionedRun = RunReport & { version: number; workflowId: string };

/** `PUT` with the merchant's key; the body goes out as JSON. */
export async function put<T>(app: App, m: Merchant, path: string, body: unknown): Promise<Answer<T>> {
  const res = await app.request(path, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${m.key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Saves a new draft of the flow and publishes it; answers the new version number. */
export async function republish(app: App, m: Merchant, flowId: string, graph: Graph): Promise<number> {
  ok(await put(app, m, `/v1/flows/${flowId}`, { graph }), 200);
  return ok(await api(app, m.key).post<{ version: number }>(`/v1/flows/${flowId}/publish`), 201).version;
}

/** `GET /v1/runs/:id`. */
export async function runReport(m: Merchant, runId: string): Promise<VersionedRun> {
  return ok(await m.api.get<VersionedRun>(`/v1/runs/${runId}`), 200);
}

/** Polls until `find` answers something. */
export async function eventually<T>(find: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
