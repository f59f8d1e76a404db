/**
 * The API served over real HTTP on 127.0.0.1 (Postmark posts webhooks to it; customers'
 * unsubscribe links point at it), on a real stack whose emails go through the real
 * Postmark client to the local Postmark server.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll } from 'vitest';
import { createPostmarkSender } from '../../engine/channels/email/postmark-sender';
import type { EmailSender } from '../../engine/channels/email/types';
import { e2eApp, muteInfoLogs, stopStack, type App } from '../e2e/http';
import { startPostmarkServer, type PostmarkServer } from '../postmark-server';
import { DEFAULT_CHANNELS, startStack, type Stack } from '../support/stack';

export const WEBHOOK_AUTH = { user: 'postmark', password: 'webhook-secret-0123' };
const TOKEN = 'compliance-token';

export interface Served {
  readonly stack: Stack;
  readonly app: App;
  readonly postmark: PostmarkServer;
  readonly sender: EmailSender;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
}

/** Starts it all before the file's tests and stops it after; read the fields inside tests only. */
export function servedForFile(): Served {
  const file = {} as { stack: Stack; app: App; postmark: PostmarkServer; sender: EmailSender; url: string };
  let server: ServerType | undefined;
  beforeAll(async () => {
    muteInfoLogs();
    // The server starts first (its port goes into the unsubscribe links); the app comes after.
    const holder: { app?: App } = {};
    const port = await new Promise<number>((resolve) => {
      const fetch = (req: Request) => (holder.app ? holder.app.fetch(req) : new Response('starting', { status: 503 }));
      server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve(info.port));
    });
    file.url = `http://127.0.0.1:${port}`;
    file.postmark = await startPostmarkServer({ token: TOKEN });
    file.sender = createPostmarkSender({ serverToken: TOKEN, apiUrl: file.postmark.url, timeoutMs: 5_000 });
    file.stack = await startStack({ ...DEFAULT_CHANNELS, emailSender: file.sender, publicUrl: file.url });
    holder.app = e2eApp(file.stack, {
      postmarkWebhookAuth: WEBHOOK_AUTH,
      emailSender: file.sender,
      emailFrom: 'Stampflow <no-reply@stampflow.test>',
    });
    file.app = holder.app;
    file.postmark.webhook = {
      url: `${file.url}/webhooks/postmark`,
      user: WEBHOOK_AUTH.user,
      password: WEBHOOK_AUTH.password,
    };
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await stopStack(file.stack);
    await file.postmark?.close();
  });
  return file;
}
