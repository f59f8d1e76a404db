/** "Why did this customer get nothing?": each recent run's outcome for them, in plain words. */
import { Link } from 'wouter';
import { formatTime } from '../shell/format';
import { explainOutcome } from './outcomes';

export interface RunOutcome {
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly createdAt: string;
  readonly outcome: { readonly code: string; readonly message: string };
}

/** The badge in a word; the raw code stays in `data-code` for tools, never on screen. */
const TONE_WORDS = { sent: 'Sent', skipped: 'Nothing sent', failed: 'Failed', waiting: 'Waiting', pending: 'Not yet' } as const;

export function OutcomeList({ runs }: { runs: readonly RunOutcome[] }) {
  if (runs.length === 0) {
    return <p className="hint">This customer has not been in any run yet: no flow or campaign has reached them so far.</p>;
  }
  return (
    <ul className="outcomes">
      {runs.map((run) => {
        const words = explainOutcome(run.outcome.code, run.outcome.message);
        const detail = run.outcome.message && run.outcome.message !== words.headline ? run.outcome.message : undefined;
        return (
          <li key={run.runId} className="outcome">
            <span className={`status status-${words.tone} outcome-code`} data-testid={`outcome-${run.runId}`} data-code={run.outcome.code}>
              {TONE_WORDS[words.tone]}
            </span>
            <div className="outcome-text">
              <strong>{words.headline}</strong>
              {detail && <div className="outcome-detail">{detail}</div>}
              <div className="hint">
                <Link href={`/runs/${run.runId}`}>{run.flowName}</Link> · {formatTime(run.createdAt)} ·{' '}
                <a href={`#timeline-${run.runId}`}>steps</a>
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
