/**
 * The canvas and the campaign form in Chromium against the real stack: new steps land below
 * the selected step, clear of every other step and of the overview map (measured as DOM
 * rectangles); steps connect from the keyboard with "Connect to…"; Tidy up leaves no overlap
 * and a readable zoom; the campaign form shows its reach as it changes, inserts placeholders
 * at the cursor, previews the email for a real customer, refuses broken placeholders on the
 * field, and sends a test through the real Postmark client to the local Postmark server;
 * the list counts people and fits 768 px; a campaign opens on its own page.
 * Screenshots at 1440 and 768 px go to test/e2e/screenshots/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostmarkSender } from '../../engine/channels/email/postmark-sender';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { broadcastGraph } from '../support/graphs';
import { browserForFile, screenshot, signIn, type BrowserMerchant } from './browser';
import { ok } from './http';

const TOKEN = 'canvas-form-token';
let postmark: PostmarkServer;
// Registered before the browser's own setup, so the app below is built with the Postmark client.
beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
});
afterAll(async () => postmark?.close());

const file = browserForFile(() => ({
  emailSender: createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 5_000 }),
  emailFrom: 'Stampflow <no-reply@stampflow.test>',
}));

let merchant: BrowserMerchant;

beforeAll(async () => {
  merchant = await file.merchant('Canvas Café');
  const row = (externalId: string, name: string, extra: Record<string, unknown>) => ({ externalId, name, cardId: merchant.cardId, ...extra });
  ok(
    await merchant.api.post('/v1/customers', {
      customers: [
        row('ada', 'Ada Lovelace', { email: 'ada@example.com', emailConsent: true }),
        row('ben', 'Ben Nomail', {}),
        row('cleo', 'Cleo Noconsent', { email: 'cleo@example.com', emailConsent: false }),
      ],
    }),
    201,
  );
});

interface Rect {
  id: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Every step's rectangle on screen, and the overview map's and the canvas's. */
async function rects(page: Page): Promise<{ nodes: Rect[]; minimap: Rect; canvas: Rect }> {
  return page.evaluate<{ nodes: Rect[]; minimap: Rect; canvas: Rect }>(RECTS);
}
// A string: this file is compiled without the DOM's types.
const RECTS = `(() => {
    const r = (el, id = '') => {
      const b = el.getBoundingClientRect();
      return { id, left: b.left, top: b.top, right: b.right, bottom: b.bottom };
    };
    const nodes = [...document.querySelectorAll('.react-flow__node')].map((el) => r(el, el.getAttribute('data-id') ?? ''));
    return {
      nodes,
      minimap: r(document.querySelector('.react-flow__minimap')),
      canvas: r(document.querySelector('[data-testid="flow-canvas"]')),
    };
  })()`;

const overlap = (a: Rect, b: Rect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
function overlappingPairs(nodes: readonly Rect[]): string[] {
  const pairs: string[] = [];
  for (let i = 0; i < nodes.length; i++)
    for (let j = i + 1; j < nodes.length; j++) if (overlap(nodes[i]!, nodes[j]!)) pairs.push(`${nodes[i]!.id}/${nodes[j]!.id}`);
  return pairs;
}

async function zoomOf(page: Page): Promise<number> {
  const transform = await page.locator('.react-flow__viewport').getAttribute('style');
  return Number(/scale\(([\d.]+)\)/.exec(transform ?? '')?.[1]);
}

async function openFlow(page: Page, graph: unknown, name: string): Promise<string> {
  const flow = ok(await merchant.api.post<{ id: string }>('/v1/flows', { name, graph }), 201);
  await page.goto(`/flows/${flow.id}`);
  await page.locator('[data-testid="flow-canvas"][data-ready="true"]').waitFor();
  return flow.id;
}

async function bothSizes(page: Page, name: string): Promise<void> {
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshot(page, `${name}-1440`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await screenshot(page, `${name}-768`);
  await page.setViewportSize({ width: 1440, height: 900 });
}

describe('the canvas', () => {
  it('puts each new step below the selected one, clear of every step and of the overview map', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await openFlow(page, broadcastGraph({ cardId: merchant.cardId, push: 'Coffee?' }), 'Placement');
    await page.locator('[data-kind="push"]').first().click();
    const selected = (await rects(page)).nodes.find((n) => n.id === 'push')!;

    for (let i = 0; i < 5; i++) {
      const before = new Set((await rects(page)).nodes.map((n) => n.id));
      await page.getByRole('button', { name: 'Add email' }).click();
      await expect.poll(async () => (await rects(page)).nodes.length).toBe(before.size + 1);
      // The view settles (it may move to show the new step).
      await page.waitForTimeout(400);
      const now = await rects(page);
      const added = now.nodes.find((n) => !before.has(n.id))!;
      expect(overlappingPairs(now.nodes), `after adding step ${i + 1}`).toEqual([]);
      expect(overlap(added, now.minimap), `step ${i + 1} under the overview map`).toBe(false);
      expect(added.left >= now.canvas.left && added.right <= now.canvas.right && added.top >= now.canvas.top && added.bottom <= now.canvas.bottom).toBe(true);
      if (i === 0) {
        // Straight below the selected push (the view may have moved, so compare with the push now).
        const push = now.nodes.find((n) => n.id === 'push')!;
        expect(added.top).toBeGreaterThan(push.bottom);
        expect(Math.abs(added.left - push.left)).toBeLessThan(2);
        expect(selected.id).toBe('push');
      }
    }
    await bothSizes(page, 'canvas-placement');
  });

  it('drags a step with the mouse: it and its connection follow every move, the drop is saved and is one undo step', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    const flowId = await openFlow(page, broadcastGraph({ cardId: merchant.cardId, push: 'Coffee?' }), 'Drag');
    const push = page.locator('.react-flow__node[data-id="push"]');
    const connection = page.locator('.react-flow__edge-path').first();
    const start = (await push.boundingBox())!;
    const startPath = await connection.getAttribute('d');
    const zoom = await zoomOf(page);

    // Grab the step by its title (not by a handle); the first move past the threshold starts the
    // drag (React Flow moves the step from the next one), then 12 moves of (10, 5) px.
    const [x, y] = [start.x + start.width / 2 + 5, start.y + 10];
    await page.mouse.move(x - 5, y);
    await page.mouse.down();
    await page.mouse.move(x, y);
    const paths = new Set<string | null>([startPath]);
    for (let i = 1; i <= 12; i++) {
      await page.mouse.move(x + i * 10, y + i * 5);
      // Mid-drag, each move is on screen before the next: the step under the mouse, its connection redrawn.
      await expect.poll(async () => Math.abs((await push.boundingBox())!.x - start.x - i * 10), { timeout: 2_000 }).toBeLessThan(1);
      expect(Math.abs((await push.boundingBox())!.y - start.y - i * 5)).toBeLessThan(1);
      paths.add(await connection.getAttribute('d'));
    }
    expect(paths.size).toBe(13);
    await page.mouse.up();

    // The drop is saved at the new position (screen px over the zoom) …
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
    const saved = async () =>
      ok(await merchant.api.get<{ graph: { nodes: { id: string; position: { x: number; y: number } }[] } }>(`/v1/flows/${flowId}`), 200)
        .graph.nodes.find((n) => n.id === 'push')!.position;
    await expect.poll(async () => Math.abs((await saved()).x - 120 / zoom), { timeout: 10_000 }).toBeLessThan(2);
    expect(Math.abs((await saved()).y - (120 + 60 / zoom))).toBeLessThan(2);

    // … and one undo puts the step (and its connection) back where it was.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => Math.abs((await push.boundingBox())!.x - start.x)).toBeLessThan(1);
    expect(await connection.getAttribute('d')).toBe(startPath);
  });

  it('connects the selected step to another from the keyboard, and the compiler judges it', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    const graph = broadcastGraph({ cardId: merchant.cardId, push: 'Coffee?' });
    graph.nodes.push({ id: 'mail', type: 'email', position: { x: 400, y: 240 }, data: { subject: 'Hello', body: 'See you soon.' } });
    const flowId = await openFlow(page, graph, 'Keyboard');
    const problems = page.getByRole('list', { name: 'Problems' });
    await expect.poll(() => problems.textContent()).toMatch(/reach|connected|never/i);

    // Keyboard only: focus the push step, select it with Enter, press C, pick the email.
    await page.locator('.react-flow__node[data-id="push"]').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__node[data-id="push"]').getAttribute('class')).toMatch(/selected/);
    await page.locator('body').press('c');
    const menu = page.getByRole('dialog', { name: /Connect/ });
    await menu.waitFor();
    await screenshot(page, 'canvas-connect-to-1440');
    expect(await menu.getByRole('button').allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/^Email · /)]));
    // The first step offered has the focus; Enter on it connects.
    const focused = await page.evaluate<string>(`document.activeElement?.textContent ?? ''`);
    expect(focused).toMatch(/^Email · /);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
    await expect.poll(() => page.locator('[data-kind="email"]').getAttribute('data-invalid')).toBe(null);
    // Saved as a real connection, from the push's output to the email.
    await expect.poll(() => page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
    const saved = ok(await merchant.api.get<{ graph: { edges: { source: string; target: string }[] } }>(`/v1/flows/${flowId}`), 200);
    expect(saved.graph.edges).toEqual(expect.arrayContaining([expect.objectContaining({ source: 'push', target: 'mail' })]));

    // Connecting back to the push would loop: offered, and the compiler says so as usual.
    await page.locator('.react-flow__node[data-id="mail"]').focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: /Connect to/ }).click();
    await page.getByRole('dialog', { name: /Connect/ }).getByRole('button', { name: /^Push · / }).click();
    await expect.poll(() => problems.textContent()).toMatch(/loops back/);
  });

  it('tidies a long flow without overlaps, at a zoom where the text is readable', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    const graph = broadcastGraph({ cardId: merchant.cardId, push: 'Coffee?' });
    // A chain of 14 steps piled on one spot.
    for (let i = 0; i < 13; i++) {
      const id = `w${i}`;
      graph.nodes.push({ id, type: 'wait', position: { x: 0, y: 0 }, data: { for: { hours: i + 1 } } });
      graph.edges.push({ id: `e-${graph.nodes.at(-2)!.id}-${id}`, source: graph.nodes.at(-2)!.id, target: id });
    }
    await openFlow(page, graph, 'Tidy');
    expect(overlappingPairs((await rects(page)).nodes).length).toBeGreaterThan(0);
    await page.getByRole('button', { name: /Tidy up/ }).click();
    await page.waitForTimeout(500);
    const zoom = await zoomOf(page);
    expect(zoom).toBeGreaterThanOrEqual(0.7);
    const after = await rects(page);
    expect(overlappingPairs(after.nodes)).toEqual([]);
    // The start of the flow is in view.
    const trigger = after.nodes.find((n) => n.id === 'trigger')!;
    expect(trigger.left).toBeGreaterThanOrEqual(after.canvas.left);
    const fontSize = await page.evaluate<number>(
      `parseFloat(getComputedStyle(document.querySelector('.react-flow__node[data-id="w0"] .flow-node-line, .react-flow__node[data-id="w0"]')).fontSize)`,
    );
    expect(fontSize * zoom).toBeGreaterThanOrEqual(9);
    await bothSizes(page, 'canvas-tidy');
  });
});

describe('the campaign form', () => {
  it('shows the reach, inserts placeholders, previews for a customer, refuses broken placeholders and sends a test to Postmark', async () => {
    const page = await file.newPage({ width: 1440, height: 900 });
    await signIn(page, merchant.owner);
    await page.goto('/campaigns/new');
    const reach = page.getByTestId('campaign-reach');
    await expect.poll(() => reach.textContent()).toMatch(/3 card holders: 3 pushes/);

    await page.getByLabel('Push message').fill('Coffee?');
    await page.getByLabel(/Also send via Email/).check();
    await expect.poll(() => reach.textContent()).toMatch(/3 card holders: 3 pushes, 1 email \(2 have no email or did not agree\)/);

    const subject = page.getByLabel('Subject');
    const body = page.getByLabel('Text', { exact: true });
    const emailList = page.getByRole('group', { name: 'Insert a customer’s details into the email' });
    await subject.fill('A coffee for ');
    await emailList.getByRole('button', { name: 'Customer’s name' }).click();
    await expect.poll(() => subject.inputValue()).toBe('A coffee for {{customer.name}}');
    await body.fill('See you soon.');
    await body.press('Home'); // the cursor at the start of the line
    await emailList.getByRole('button', { name: 'Stamps to go' }).click();
    await expect.poll(() => body.inputValue()).toBe('{{stampsLeft}}See you soon.');

    // The push's longer version, for the card page, has the same list; a broken placeholder there is a problem too.
    const long = page.getByLabel('Longer version for the card page');
    const longList = page.getByRole('group', { name: 'Insert a customer’s details into the longer version' });
    await long.fill('Your card: ');
    await longList.getByRole('button', { name: 'Stamps to go' }).click();
    await expect.poll(() => long.inputValue()).toBe('Your card: {{stampsLeft}}');
    await long.fill('Your card: {{stampsLeft');
    await long.blur();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toContainEqual(expect.stringMatching(/not a complete placeholder/));
    await long.scrollIntoViewIfNeeded();
    await bothSizes(page, 'campaign-form-long-text-placeholders');
    await long.fill('Your card: {{stampsLeft}} stamps to go.');
    await body.fill('Only {{stampsLeft}} stamps to go, {{customer.name}}.');

    // The preview is filled in for a real customer of the card.
    await expect.poll(() => page.getByLabel('Preview for').locator('option').allTextContents()).toContain('Ada Lovelace (ada@example.com)');
    await page.getByLabel('Preview for').selectOption({ label: 'Ben Nomail' });
    await expect.poll(() => page.locator('.email-preview-subject').textContent()).toMatch(/A coffee for Ben Nomail/);
    const frame = page.frameLocator('iframe[title="Email preview"]');
    await expect.poll(() => frame.locator('body').textContent()).toMatch(/Only 10 stamps to go, Ben Nomail\./);
    await bothSizes(page, 'campaign-form-preview');

    // A voucher code without a voucher, and an unclosed placeholder, are problems on the field.
    await body.fill('Show {{voucher.code}} at the till.');
    await body.blur();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toContainEqual(expect.stringMatching(/No voucher comes before/));
    await body.fill('Hi {{customer.name, see you');
    await body.blur();
    await expect.poll(() => page.locator('.field-error').allTextContents()).toContainEqual(expect.stringMatching(/not a complete placeholder/));
    expect(await page.getByRole('button', { name: 'Send test' }).isDisabled()).toBe(true);
    await screenshot(page, 'campaign-form-broken-placeholder-1440');
    await body.fill('Only {{stampsLeft}} stamps to go, {{customer.name}}.');

    // A test goes to the owner through Postmark, for the chosen customer.
    const before = postmark.sent.length;
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => page.locator('.test-send-done').textContent()).toMatch(`Test sent to ${merchant.owner.email}`);
    const got = postmark.sent.slice(before);
    expect(got).toEqual([expect.objectContaining({ To: merchant.owner.email, Subject: '[Test] A coffee for Ben Nomail', Tag: 'test' })]);
    // A stranger's address is refused, in words, and nothing reaches Postmark.
    await page.getByLabel('Send a test to').fill('stranger@else.example');
    await page.getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => page.getByRole('alert').last().textContent()).toMatch(/only to you and your staff/);
    expect(postmark.sent.length).toBe(before + 1);
    await expect.poll(() => frame.locator('body').textContent()).toMatch(/Only 10 stamps to go, Ben Nomail\./);
    await bothSizes(page, 'campaign-form-test-sent');

    // Sent for real: the list counts people, and the campaign opens on its own page.
    await page.getByRole('button', { name: 'Send campaign' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Send campaign' }).click();
    await page.waitForURL(/\/runs\//);
    await page.goto('/campaigns');
    const row = page.locator('.campaigns-table tbody tr').first();
    await expect.poll(() => row.locator('.campaign-reached').textContent(), { timeout: 30_000 }).toMatch(/^3 customers: 3 pushes, 1 email/);
    await page.setViewportSize({ width: 768, height: 1024 });
    const widths = await page.evaluate<{ page: number; viewport: number; table: number; box: number }>(`({
      page: document.documentElement.scrollWidth,
      viewport: window.innerWidth,
      table: document.querySelector('.campaigns-scroll').scrollWidth,
      box: document.querySelector('.campaigns-scroll').clientWidth,
    })`);
    expect(widths.page).toBeLessThanOrEqual(widths.viewport);
    expect(widths.table).toBeLessThanOrEqual(widths.box);
    await bothSizes(page, 'campaigns-list');

    await row.getByRole('link').first().click();
    await page.waitForURL(/\/campaigns\/[0-9a-f-]{36}$/);
    await expect.poll(() => page.getByTestId('campaign-reached').textContent()).toBe('3 customers: 3 pushes, 1 email');
    await expect.poll(() => page.getByRole('region', { name: 'What it said' }).textContent()).toMatch(/Coffee\?/);
    const text = await page.locator('body').innerText();
    expect(text).toContain('A coffee for {{customer.name}}');
    await bothSizes(page, 'campaign-page');
  });
});
