/**
 * editor: the flow editor with a 300-node flow (`sampleFlow(300)`) in headless Chromium,
 * served by the real API from the built `editor/dist` on a fresh Postgres database, side by
 * side with bench/editor-baseline, a bare React Flow of the same graph (React Flow's stress
 * example shape: the same nodes and edges as plain default nodes).
 *
 * - `*.load_ms`: navigation start → canvas interactive (React Flow has measured every node),
 *   median of LOADS page loads with the HTTP cache off.
 * - `*.drag_frame_ms`: p95 of the frame times while a node is dragged, a frame's time being
 *   the main thread's work for it, read from a Chrome trace (bench/support/frame-work.ts).
 *   Timestamps of animation frames would only show the display's 16.7 ms cadence: headless
 *   Chromium keeps vsync whatever the flags say. `*.drag_cpu_ms`: the same frames' main-thread
 *   CPU time, which leaves out waiting for a core on a shared machine.
 * - `editor.drag_vs_bare` (target ≤ 1.0) and `editor.drag_cpu_vs_bare`: the editor's p95 over
 *   the bare library's.
 *
 * Fair by construction: the baseline gets the editor's canvas size and viewport (read from the
 * editor once loaded) and its React Flow options; the same node (by id) is dragged along the
 * same path (120 steps of 2 px right with a ±30 px wave, then back in the next round) in
 * both; the two pages take turns, ROUNDS drags each in the order editor, bare, bare, editor,
 * … so that a busier stretch of a shared machine falls on both.
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
import { frameWork, type TraceEvent } from './support/frame-work';

const NODES = 300;
const LOADS = Number(process.env.BENCH_EDITOR_LOADS ?? 7);
const ROUNDS = Number(process.env.BENCH_EDITOR_ROUNDS ?? 4);
const DRAG_STEPS = 120;
const ADMIN = 'bench-admin-token-0123456789';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const VIEWPORT = { width: 1280, height: 800 };

interface Side {
  readonly page: Page;
  readonly loads: number[];
  readonly wall: number[];
  readonly cpu: number[];
}

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
  const servers: ServerType[] = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const url = await listen(app, servers);
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

    const context = await browser.newContext({ viewport: VIEWPORT, baseURL: url });
    const signIn = await context.request.post('/v1/auth/sign-in', { data: owner });
    if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()} ${await signIn.text()}`);
    const editor = await open(await context.newPage(), `/flows/${flow.id}`, '[data-testid="flow-canvas"][data-ready="true"]');
    const view = await canvasView(editor.page);

    const bareUrl = await listen(new Hono().use(editorStatic(await buildBaseline())), servers);
    const bareContext = await browser.newContext({ viewport: VIEWPORT, baseURL: bareUrl });
    const query = new URLSearchParams({ w: `${view.width}`, h: `${view.height}`, x: `${view.x}`, y: `${view.y}`, zoom: `${view.zoom}` });
    const bare = await open(await bareContext.newPage(), `/?${query}`, '[data-ready-marker]');

    for (let round = 0; round < ROUNDS; round++) {
      const direction = round % 2 === 0 ? 1 : -1;
      for (const side of round % 2 === 0 ? [editor, bare] : [bare, editor]) {
        const frames = await drag(browser, side.page, view.nodeId, direction);
        side.wall.push(...frames.wall);
        side.cpu.push(...frames.cpu);
      }
    }
    const rendered = await editor.page.locator('.react-flow__node').count();
    const bareRendered = await bare.page.locator('.react-flow__node').count();
    return [
      ...figures('editor', editor, `${rendered} nodes rendered`, ['target ≤ 1000', 'target ≤ 16']),
      ...figures('editor.baseline', bare, `${bareRendered} nodes rendered; bare React Flow, same graph, viewport and options`, ['', '']),
      ratio('editor.drag_vs_bare', editor.wall, bare.wall, 'p95 frame time, editor over bare React Flow; target ≤ 1.0'),
      ratio('editor.drag_cpu_vs_bare', editor.cpu, bare.cpu, 'the same in main-thread CPU time'),
    ];
  } finally {
    await browser.close();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await database.drop();
  }
}

function figures(name: string, side: Side, rendered: string, targets: [string, string]): Figure[] {
  const suffix = (target: string) => (target ? `; ${target}` : '');
  const frames = `${side.wall.length} frames in ${ROUNDS} drags: main-thread work per frame while dragging`;
  return [
    { name: `${name}.load_ms`, value: Math.round(percentile(side.loads, 50)), unit: `ms (median of ${LOADS}; ${rendered}${suffix(targets[0])})` },
    { name: `${name}.drag_frame_ms`, value: percentile(side.wall, 95), unit: `ms (p95 of ${frames}; median ${percentile(side.wall, 50).toFixed(1)} ms${suffix(targets[1])})` },
    { name: `${name}.drag_cpu_ms`, value: percentile(side.cpu, 95), unit: `ms (p95 of the same frames' main-thread CPU time; median ${percentile(side.cpu, 50).toFixed(1)} ms)` },
  ];
}

function ratio(name: string, ours: number[], bare: number[], what: string): Figure {
  return { name, value: percentile(ours, 95) / percentile(bare, 95), unit: `× (${what})` };
}

async function listen(app: { fetch: (request: Request) => Response | Promise<Response> }, servers: ServerType[]): Promise<string> {
  const port = await new Promise<number>((resolve) => {
    servers.push(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port)));
  });
  return `http://127.0.0.1:${port}`;
}

/** Loads `path` LOADS times (navigation start → `ready` selector, HTTP cache off). */
async function open(page: Page, path: string, ready: string): Promise<Side> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(path);
    await page.locator(ready).first().waitFor({ state: 'attached', timeout: 30_000 });
    loads.push((await page.evaluate('performance.now()')) as number);
  }
  return { page, loads, wall: [], cpu: [] };
}

interface CanvasView {
  readonly width: number;
  readonly height: number;
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
  /** The node nearest the canvas's centre: the one both pages drag. */
  readonly nodeId: string;
}

/** The editor's canvas as loaded: its size, React Flow's viewport, the node to drag. */
async function canvasView(page: Page): Promise<CanvasView> {
  const view = (await page.evaluate(`(() => {
    const canvas = document.querySelector('.react-flow').getBoundingClientRect();
    const transform = document.querySelector('.react-flow__viewport').style.transform;
    const [, x, y, zoom] = /translate\\(([-\\d.]+)px, ([-\\d.]+)px\\) scale\\(([\\d.]+)\\)/.exec(transform) ?? [];
    const cx = canvas.x + canvas.width / 2, cy = canvas.y + canvas.height / 2;
    const distance = (n) => { const r = n.getBoundingClientRect(); return Math.hypot(r.x + r.width / 2 - cx, r.y + r.height / 2 - cy); };
    const nodes = [...document.querySelectorAll('.react-flow__node')].sort((a, b) => distance(a) - distance(b));
    return { width: Math.round(canvas.width), height: Math.round(canvas.height), x: Number(x), y: Number(y), zoom: Number(zoom), nodeId: nodes[0]?.dataset.id };
  })()`)) as Partial<CanvasView>;
  if (!view.nodeId || !Number.isFinite(view.zoom)) throw new Error(`could not read the editor's canvas: ${JSON.stringify(view)}`);
  return view as CanvasView;
}

/** Drags node `id` DRAG_STEPS steps of 2 px (`direction` 1: right, -1: left) under a Chrome trace. */
async function drag(browser: Browser, page: Page, id: string, direction: 1 | -1) {
  await page.waitForTimeout(1_500); // the editor's autosave after the last drop, then quiet
  const box = await page.locator(`.react-flow__node[data-id="${id}"]`).boundingBox();
  if (!box) throw new Error(`node ${id} is not on the canvas`);
  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  await browser.startTracing(page, { categories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline.frame'] });
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= DRAG_STEPS; i++) {
    await page.mouse.move(x + direction * i * 2, y + Math.round(Math.sin(i / 8) * 30));
  }
  const dragging = await page.evaluate(`document.querySelectorAll('.react-flow__node.dragging').length`);
  await page.mouse.up();
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
  if (dragging !== 1) throw new Error(`expected one node being dragged on ${page.url()}, found ${String(dragging)}`);
  return frameWork(trace.traceEvents);
}

/** The baseline page (bench/editor-baseline), built with Vite into bench/.tmp. */
async function buildBaseline(): Promise<string> {
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
  return outDir;
}
