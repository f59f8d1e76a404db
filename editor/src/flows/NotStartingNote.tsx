/**
 * Why a live flow's customers are waiting: its runs could not start (the server backs off
 * that flow alone and tries again). Said in the owner's words; the server's reason sits
 * behind "Technical details".
 */
import type { LoadedFlow } from './use-flow-lifecycle';

export function NotStartingNote({ problem }: { problem: LoadedFlow['notStarting'] }) {
  if (!problem) return null;
  const next = new Date(problem.nextTryAt).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return (
    <div className="card not-starting" role="alert">
      <strong>Customers are waiting: this flow could not start its messages.</strong>{' '}
      Nothing was sent to them yet. We try again by ourselves at {next}; if it keeps failing, make the flow smaller
      (fewer or shorter steps) and publish it again.
      <details>
        <summary>Technical details</summary>
        <p>
          Version {problem.version}, {problem.failures} failed start{problem.failures === 1 ? '' : 's'} since{' '}
          {new Date(problem.since).toLocaleString()}: {problem.message}
        </p>
      </details>
    </div>
  );
}
