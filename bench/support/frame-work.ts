/**
 * The page's main-thread work per frame, read from a Chrome trace (categories `toplevel`,
 * `devtools.timeline`, `disabled-by-default-devtools.timeline.frame`): the renderer main
 * thread's top-level tasks (input, script, React's render, style, layout, paint) summed between
 * one `BeginMainThreadFrame` and the next. Idle time does not count.
 *
 * Two measures of the same tasks: `wall`, their wall-clock durations (what the figures have
 * always been), and `cpu`, the thread time Chrome records beside them, which leaves out the
 * time the thread waited for a core. On a shared 2-core machine the wall figure includes
 * other processes' turns; the CPU one is the page's own work.
 */

/** One event of a Chrome trace (the fields used here). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  /** Microseconds. */
  readonly ts: number;
  readonly dur?: number;
  /** Thread time, microseconds. */
  readonly tdur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

export interface FrameWork {
  /** Per frame, ms of wall-clock time in tasks. */
  readonly wall: number[];
  /** Per frame, ms of the main thread's CPU time in the same tasks. */
  readonly cpu: number[];
}

export function frameWork(events: readonly TraceEvent[]): FrameWork {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace has no renderer main thread');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const frames = onMain
    .filter((e) => e.name === 'BeginMainThreadFrame')
    .map((e) => e.ts)
    .sort((a, b) => a - b);
  const tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask');
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i + 1 < frames.length; i++) {
    const [from, to] = [frames[i]!, frames[i + 1]!];
    const inFrame = tasks.filter((t) => t.ts >= from && t.ts < to);
    wall.push(inFrame.reduce((sum, t) => sum + (t.dur ?? 0), 0) / 1000);
    cpu.push(inFrame.reduce((sum, t) => sum + (t.tdur ?? t.dur ?? 0), 0) / 1000);
  }
  if (wall.length < 20) throw new Error(`only ${wall.length} frames traced while dragging`);
  return { wall, cpu };
}
