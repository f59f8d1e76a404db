/**
 * Browser end-to-end helpers: the real editor (the built `editor/dist`, served by the real
 * API over HTTP on a free port) in Debian's Chromium through `playwright-core`, against a
 * real stack — Postgres, a worker, the Temporal dev server. Never a downloaded browser.
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { createApp, type AppDeps } from '../../server/api/app';
import { testSigner } from '../support/certs';
import { WITHOUT_RULES } from '../support/messaging-rules';
import { ADMIN_TOKEN, api, ok, stackForFile, type Api, type FileStack } from './http';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];
const EDITOR_DIR = fileURLToPath(new URL('../../editor/dist', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('./screenshots/', import.meta.url));

export interface Owner {
  readonly email: string;
  readonly password: string;
}

export interface BrowserMerchant {
  readonly id: string;
  readonly cardId: string;
  readonly owner: Owner;
  /** The same merchant through its API key, to set up data and check results. */
  readonly api: Api;
}

export interface BrowserFile extends FileStack {
  /** `http://127.0.0.1:<port>`: the editor at `/`, the API under `/v1`. */
  readonly url: string;
  readonly browser: Browser;
  /** A merchant with one card and an owner login, created through the admin API. */
  merchant(name: string): Promise<BrowserMerchant>;
  /** A fresh browser context (own cookies) at 1280×800 with one page. */
  newPage(viewport?: { width: number; height: number }): Promise<Page>;
}

/** Launches Debian's Chromium, failing with the way to install it when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** The stack, the API and editor over HTTP, and Chromium for one test file; `extra` adds deps (the wallet, say). */
export function browserForFile(extra: () => Partial<AppDeps> = () => ({})): BrowserFile {
  const file = stackForFile(undefined, extra) as FileStack & { url: string; browser: Browser };
  let server: ServerType | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    const buildError = inject('editorBuildError');
    if (buildError) throw new Error(`the editor did not build: ${buildError}`);
    if (!existsSync(`${EDITOR_DIR}/index.html`)) throw new Error('editor/dist is missing: the test setup builds it');
    const app = createApp({
      db: file.stack.db,
      launcher: file.stack.launcher,
      batcher: file.stack.batcher,
      adminToken: ADMIN_TOKEN,
      readiness: async () => true,
      editorDir: EDITOR_DIR,
      // Customers' card pages (`/p/:token`), where the join page lands.
      wallet: { publicUrl: 'http://localhost:3000', signer: testSigner() },
      ...extra(),
    });
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    file.url = `http://127.0.0.1:${port}`;
    file.browser = await launchChromium();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await file.browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  return Object.assign(file, {
    async merchant(name: string): Promise<BrowserMerchant> {
      const owner = { email: `owner-${Math.random().toString(36).slice(2, 10)}@${name.toLowerCase().replace(/[^a-z]/g, '')}.example`, password: 'espresso-doppio-42' };
      const admin = api(file.app, ADMIN_TOKEN);
      const { id, apiKey } = ok(
        await admin.post<{ id: string; apiKey: string }>('/v1/merchants', { name, timezone: 'Europe/Berlin', owner, messagingRules: WITHOUT_RULES }),
        201,
      );
      const m = api(file.app, apiKey);
      const card = ok(await m.post<{ id: string }>('/v1/cards', { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' }), 201);
      return { id, cardId: card.id, owner, api: m };
    },
    async newPage(viewport = { width: 1280, height: 800 }): Promise<Page> {
      const context = await file.browser.newContext({ viewport, baseURL: file.url });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    },
  });
}

/** Signs in through the sign-in form and waits for the flow list. */
export async function signIn(page: Page, owner: Owner): Promise<void> {
  await page.goto('/');
  await page
    .getByLabel('Email')
    .waitFor()
    .catch(async (err: unknown) => {
      await screenshot(page, 'failed-sign-in');
      throw new Error(`no sign-in form at ${page.url()}: ${(await page.locator('body').textContent())?.slice(0, 300)}`, { cause: err });
    });
  await page.getByLabel('Email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Saves a screenshot as `test/e2e/screenshots/<name>.png` (ignored by git) for people to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: false });
}
