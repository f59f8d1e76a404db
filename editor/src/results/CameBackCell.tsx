/**
 * The "Came back" column of the campaigns and flows lists: of those who got it, how many
 * met the goal ("41 of 312 (13%)"), from the same results routes as the run page (a
 * campaign's run; a flow's runs of the last 30 days). "—" while nobody got it yet, "too
 * early" while the window is open and nobody came back yet.
 */
import { api, call } from '../api';
import { useApi } from '../shell/use-api';
import { GOAL_DEED, type ResultData } from './result-words';

/** The cell's words for a result (null: none to show). */
export function cameBackText(r: ResultData | undefined, now = new Date()): { text: string; title?: string } {
  if (!r || r.treated.customers === 0) return { text: '—', title: 'Nobody got it yet' };
  const open = r.windowEndsAt !== null && new Date(r.windowEndsAt).getTime() > now.getTime();
  if (open && r.treated.converted === 0) return { text: 'too early', title: `Counting until ${new Date(r.windowEndsAt!).toLocaleDateString('en')}` };
  const share = Math.round(r.treated.rate * 100);
  const title = `Of those who got it, ${r.treated.converted} ${GOAL_DEED[r.goal.event]} within ${r.goal.withinDays} days${open ? ' so far' : ''}`;
  return { text: `${r.treated.converted.toLocaleString('en')} of ${r.treated.customers.toLocaleString('en')} (${share}%)`, title };
}

function Cell({ result }: { result: { data?: ResultData | undefined; loading: boolean } }) {
  if (!result.data && result.loading) return <td className="num hint came-back">…</td>;
  const { text, title } = cameBackText(result.data);
  return (
    <td className="num came-back" title={title}>
      {text}
    </td>
  );
}

/** A campaign's run. */
export function RunCameBackCell({ runId }: { runId: string | null }) {
  const result = useApi(
    () => (runId ? call(api.v1.runs[':id'].results.$get({ param: { id: runId } })) : Promise.resolve(undefined)),
    [runId],
  );
  return <Cell result={{ data: result.data as ResultData | undefined, loading: result.loading }} />;
}

/** A flow's runs entered in the last 30 days. */
export function FlowCameBackCell({ flowId }: { flowId: string }) {
  const result = useApi(() => call(api.v1.flows[':id'].results.$get({ param: { id: flowId }, query: {} })), [flowId]);
  return <Cell result={{ data: result.data as ResultData | undefined, loading: result.loading }} />;
}
