/**
 * Why the run's members got nothing, grouped with counts ("12 have no email address on
 * file", "4 reached their weekly limit of messages"), in the owner's words; the raw reason
 * codes sit behind "Technical details".
 */
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { nothingSentText } from './words';

export function NothingSentPanel({ runId, live, members }: { runId: string; live: boolean; members: number }) {
  const answer = useApi(() => call(api.v1.runs[':id']['nothing-sent'].$get({ param: { id: runId } })), [runId], {
    pollMs: live ? 4000 : undefined,
  });
  const data = answer.data;
  if (!data && !answer.error) return null;
  return (
    <section className="card nothing-sent" aria-label="Who got nothing, and why" data-testid="nothing-sent">
      <h2>Who got nothing, and why</h2>
      <ErrorNote error={answer.error} />
      {data && data.total === 0 && (
        <p className="hint">{members > 0 ? 'Everyone in this run got at least one message.' : 'Nobody was in this run.'}</p>
      )}
      {data && data.total > 0 && (
        <>
          <p className="hint">
            {data.total} of {members} {members === 1 ? 'customer' : 'customers'} got no message from this run
            {live ? ' so far' : ''}:
          </p>
          <ul className="nothing-sent-groups">
            {data.groups.map((g) => (
              <li key={g.reason}>{nothingSentText(g.reason, g.count, live)}</li>
            ))}
          </ul>
          <details className="technical">
            <summary>Technical details</summary>
            <ul>
              {data.groups.map((g) => (
                <li key={g.reason}>
                  <code>{g.reason}</code>: {g.count}
                </li>
              ))}
            </ul>
          </details>
        </>
      )}
    </section>
  );
}
