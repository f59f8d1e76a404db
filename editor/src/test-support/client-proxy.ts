/**
 * A stand-in for the typed client (`api` from `../api`) in component tests: any chain of
 * properties and a call answer the request as data, `{path, args}`, e.g.
 * `api.v1.runs[':id'].$get({param})` → `{path: 'v1/runs/:id/$get', args: {param}}`, for the
 * test's own `call` to answer. Used inside `vi.mock('../api', async () => …)` factories.
 */
export function clientProxy(segments: readonly string[] = []): unknown {
  return new Proxy(() => undefined, {
    get: (_, key) => clientProxy([...segments, String(key)]),
    apply: (_, __, args: unknown[]) => ({ path: segments.join('/'), args: args[0] ?? {} }),
  });
}
