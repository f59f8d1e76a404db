/**
 * Temporal answered a run's start and refused it (its input is over Temporal's size limit,
 * the namespace is rate limited, …), as opposed to not answering at all. The launcher throws
 * it so that callers name the real cause instead of "Temporal is not reachable", and so that
 * the cohort batcher backs off that flow version alone while the others keep starting.
 */
export class RunStartRefused extends Error {
  override readonly name = 'RunStartRefused';
}

/** "Temporal is not reachable: …" or, for a refusal, the refusal's own words. */
export function startFailureMessage(err: unknown): string {
  if (err instanceof RunStartRefused) return err.message;
  return `Temporal is not reachable: ${err instanceof Error ? err.message : String(err)}`;
}
