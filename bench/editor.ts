/**
 * editor: the flow editor with a 300-node flow (`sampleFlow(300)`) in headless Chromium,
 * served by the real API from the built `editor/dist` on a fresh Postgres database.
 *
 * - `editor.load_ms`: navigation start → canvas interactive (React Flow has measured every
 *   node: `data-ready="true"`), median of LOADS page loads with a warm HTTP cache off.
 * - `editor.drag_frame_ms`: p95 of the frame times while a node is dragged 120 steps, a
 *   frame's time being the main thread's work for it, read from a Chrome trace (the
 *   top-level tasks between two `BeginMainThreadFrame`s: input, script, React's render,
 *   style, layout, paint). Timestamps of animation frames would only show the display's
 *   16.7 ms cadence: headless Chromium keeps vsync whatever the flags say.
 * - `editor.baseline.*`: the same two figures for bench/editor-baseline, React Flow's stress
 *   example shape (the same nodes and edges as plain default nodes, nothing else), so the
 *   editor's own share is the difference.
 * Targets (BENCHMARKS.md / issue 6): ≤ 1,000 ms and ≤ 16 ms.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from '@temporalio/client';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../server/api/app';
import { editorStatic } from '../server/api/editor-static';
import { ensureEditorBuilt } from '../server/editor-build';
import { sampleFlow } from '../engine/compiler/sample-flow';
import { createRunLauncher } from '../server/temporal/run-launcher';
import { createTestDatabase } from '../test/support/database';
import type { Figure } from './figures';
import { percentile } from './stats';

const NODES = 300;
const LOADS = Number(process.env.BENCH_EDITOR_LOADS ?? 7);
const DRAG_STEPS = 120;
const ADMIN = 'bench-admin-token-0123456789';
const ROOT = fileURLToPath(new URL('..', import.meta.url));

export async function run(): Promise<Figure[]> {
  await ensureEditorBuilt(ROOT);
  const database = await createTestDatabase();
  // The editor page never starts a run: a lazy client that is never used is enough.
  const app = createApp({
    db: database.db,
    launcher: createRunLauncher(new Client(), 'bench-editor'),
    adminToken: ADMIN,
    readiness: async () => true,
    editorDir: `${ROOT}editor/dist`,
  });
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  const url = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const owner = { email: 'bench@editor.example', password: 'bench-password-1' };
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    const merchant = await post('/v1/merchants', { name: 'Bench Café', timezone: 'Europe/Berlin', owner }, ADMIN);
    const flow = await post('/v1/flows', { name: '300 nodes', graph: sampleFlow(NODES) }, merchant.apiKey);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: url });
    const signIn = await context.request.post('/v1/auth/sign-in', { data: owner });
    if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()} ${await signIn.text()}`);
    const page = await context.newPage();

    const editor = await measure(browser, page, `/flows/${flow.id}`, '[data-testid="flow-canvas"][data-ready="true"]');
    const baseline = await measureBaseline(browser);
    const figures = (name: string, m: Measured, what: [string, string]): Figure[] => [
      { name: `${name}.load_ms`, value: Math.round(percentile(m.loads, 50)), unit: `ms (median of ${LOADS}; ${m.rendered} nodes rendered; ${what[0]})` },
      {
        name: `${name}.drag_frame_ms`,
        value: percentile(m.frames, 95),
        unit: `ms (p95 of ${m.frames.length} frames: main-thread work per frame while dragging; median ${percentile(m.frames, 50).toFixed(1)} ms; ${what[1]})`,
      },
    ];
    const bare = 'bare React Flow, the stress example’s shape';
    return [...figures('editor', editor, ['target ≤ 1000', 'target ≤ 16']), ...figures('editor.baseline', baseline, [bare, bare])];
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await database.drop();
  }
}

interface Measured {
  readonly loads: number[];
  readonly rendered: number;
  readonly frames: number[];
}

/**
 * Loads `path` LOADS times (navigation start → `ready` selector, HTTP cache off), then drags a
 * node near the middle of the viewport DRAG_STEPS steps under a Chrome trace.
 */
async function measure(browser: Browser, page: Page, path: string, ready: string): Promise<Measured> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(path);
    await page.locator(ready).first().waitFor({ state: 'attached', timeout: 30_000 });
    loads.push((await page.evaluate('performance.now()')) as number);
  }
  const rendered = await page.locator('.react-flow__node').count();

  const box = await nearestNodeBox(page);
  await page.waitForTimeout(500);
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'] });
  await page.mouse.move(box.x, box.y);
  await page.mouse.down();
  for (let i = 1; i <= DRAG_STEPS; i++) {
    await page.mouse.move(box.x + i * 2, box.y + Math.round(Math.sin(i / 8) * 30));
  }
  const dragging = await page.evaluate(`document.querySelectorAll('.react-flow__node.dragging').length`);
  await page.mouse.up();
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  if (dragging !== 1) throw new Error(`expected one node being dragged on ${path}, found ${String(dragging)}`);
  return { loads, rendered, frames: frameWork(trace.traceEvents) };
}

/** The baseline page (bench/editor-baseline), built with Vite and served as static files. */
async function measureBaseline(browser: Browser): Promise<Measured> {
  const outDir = `${ROOT}bench/.tmp/editor-baseline`;
  const { build } = await import('vite');
  const react = (await import('@vitejs/plugin-react')).default;
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: `${ROOT}bench/editor-baseline`, configFile: false, plugins: [react()], logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  const app = new Hono().use(editorStatic(outDir));
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: `http://127.0.0.1:${port}` });
  try {
    return await measure(browser, await context.newPage(), '/', '[data-ready-marker]');
  } finally {
    await context.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

/** One event of a Chrome trace (the fields used here). */
interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  /** Microseconds. */
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly args?: { readonly name?: string };
}

/**
 * The page's main-thread work per frame, in ms: the durations of the renderer main thread's
 * top-level tasks (input, script, React's render, style, layout, paint) summed between one
 * `BeginMainThreadFrame` and the next. Idle time does not count.
 */
function frameWork(events: readonly TraceEvent[]): number[] {
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('the trace has no renderer main thread');
  const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid);
  const frames = onMain.filter((e) => e.name === 'BeginMainThreadFrame').map((e) => e.ts).sort((a, b) => a - b);
  const tasks = onMain.filter((e) => e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask');
  const work: number[] = [];
  for (let i = 0; i + 1 < frames.length; i++) {
    const [from, to] = [frames[i]!, frames[i + 1]!];
    work.push(tasks.filter((t) => t.ts >= from && t.ts < to).reduce((sum, t) => sum + (t.dur ?? 0), 0) / 1000);
  }
  if (work.length < 20) throw new Error(`only ${work.length} frames traced while dragging`);
  return work;
}

async function nearestNodeBox(page: Page): Promise<{ x: number; y: number }> {
  const boxes = (await page.evaluate(`[...document.querySelectorAll('.react-flow__node')].map((n) => {
    const r = n.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2, w: r.width };
  })`)) as { x: number; y: number; w: number }[];
  const visible = boxes.filter((b) => b.w > 0 && b.x > 100 && b.x < 1000 && b.y > 150 && b.y < 650);
  const chosen = visible[Math.floor(visible.length / 2)] ?? boxes[0];
  if (!chosen) throw new Error('no node on the canvas to drag');
  return chosen;
}
