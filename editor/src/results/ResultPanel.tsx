/**
 * The run's result at the top of the run page: did it bring them back, in one sentence,
 * with conversions by day for those who got it and those kept back.
 */
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { ConversionChart } from './ConversionChart';
import { resultSentence, VERDICT_LABEL, type ResultData } from './result-words';
import './results.css';

export function ResultPanel({ runId, flowName, live }: { runId: string; flowName: string; live: boolean }) {
  const pollMs = live ? 5000 : undefined;
  const result = useApi(() => call(api.v1.runs[':id'].results.$get({ param: { id: runId } })), [runId], { pollMs });
  const days = useApi(() => call(api.v1.runs[':id'].results.days.$get({ param: { id: runId } })), [runId], { pollMs });
  const r = result.data as ResultData | undefined;
  if (!r) return <ErrorNote error={result.error} />;
  if (r.treated.customers === 0 && !r.holdout) return null;
  return (
    <section className="card result-panel" aria-label="Did it bring them back?">
      <div className="result-text">
        <h2>
          Did it bring them back? <span className={`verdict verdict-${r.verdict}`}>{VERDICT_LABEL[r.verdict]}</span>
        </h2>
        <p data-testid="result-sentence">{resultSentence(r, `“${flowName}”`)}</p>
        <p className="hint">
          Customers kept back got nothing on purpose, so they show how many would have come back anyway.
        </p>
      </div>
      {days.data && (
        <ConversionChart
          days={days.data.days}
          withinDays={days.data.withinDays}
          treated={r.treated.customers}
          holdout={r.holdout?.customers ?? null}
        />
      )}
    </section>
  );
}
