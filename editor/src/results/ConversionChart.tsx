/**
 * A small chart of conversions by day since entry: the share of each group that had met the
 * goal by then (cumulative), so the two lines compare fairly whatever the group sizes.
 */
export interface DayPoint {
  readonly day: number;
  readonly treated: number;
  readonly holdout: number;
}

const W = 360;
const H = 140;
const PAD = { left: 36, right: 10, top: 10, bottom: 24 };

/** Cumulative rates per day 0..withinDays-1 for a group of `size`. */
function cumulative(points: readonly DayPoint[], key: 'treated' | 'holdout', size: number, withinDays: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let d = 0; d < withinDays; d++) {
    sum += points.find((p) => p.day === d)?.[key] ?? 0;
    out.push(size > 0 ? sum / size : 0);
  }
  return out;
}

export function ConversionChart(props: {
  days: readonly DayPoint[];
  withinDays: number;
  treated: number;
  holdout: number | null;
}) {
  const { days, withinDays, treated, holdout } = props;
  const t = cumulative(days, 'treated', treated, withinDays);
  const k = holdout ? cumulative(days, 'holdout', holdout, withinDays) : [];
  const top = Math.max(0.05, ...t, ...k);
  const x = (d: number) => PAD.left + (withinDays <= 1 ? 0 : (d / (withinDays - 1)) * (W - PAD.left - PAD.right));
  const y = (rate: number) => H - PAD.bottom - (rate / top) * (H - PAD.top - PAD.bottom);
  const line = (rates: number[]) => rates.map((r, d) => `${d === 0 ? 'M' : 'L'}${x(d).toFixed(1)},${y(r).toFixed(1)}`).join(' ');
  const label = `Share who met the goal by day: got it ${Math.round((t.at(-1) ?? 0) * 100)}%` +
    (holdout ? `, kept back ${Math.round((k.at(-1) ?? 0) * 100)}%` : '');
  return (
    <figure className="conversion-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
        <line x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} className="axis" />
        <text x={PAD.left - 4} y={y(top) + 4} textAnchor="end" className="tick">{Math.round(top * 100)}%</text>
        <text x={PAD.left - 4} y={y(0) + 4} textAnchor="end" className="tick">0%</text>
        <text x={x(0)} y={H - 6} className="tick">day 1</text>
        <text x={x(withinDays - 1)} y={H - 6} textAnchor="end" className="tick">day {withinDays}</text>
        <path d={line(t)} className="treated" />
        {holdout !== null && <path d={line(k)} className="holdout" />}
      </svg>
      <figcaption>
        <span className="key treated">Got it</span>
        {holdout !== null && <span className="key holdout">Kept back</span>}
      </figcaption>
    </figure>
  );
}
