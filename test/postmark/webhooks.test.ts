/**
 * The stand-in's webhooks, over real HTTP: messages go in through the real `postmark`
 * client, webhooks come out to a tiny node:http receiver that records what it got.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Errors, ServerClient } from 'postmark';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostmarkServer, type PostmarkServer } from './server';
import { buildDelivery, postWebhook } from './webhooks';

const TOKEN = 'webhook-test-token';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

let postmark: PostmarkServer;
let client: ServerClient;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** Statuses the receiver answers, in order; 200 once they run out. */
const answers: number[] = [];

beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
  client = new ServerClient(TOKEN, { useHttps: false, requestHost: postmark.host, timeout: 5 });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/postmark`;
});
afterAll(async () => {
  await postmark.close();
  await new Promise<void>((resolve, reject) => receiver.close((error) => (error ? reject(error) : resolve())));
});
beforeEach(() => {
  postmark.reset();
  postmark.webhook = { url: receiverUrl };
  received.length = 0;
  answers.length = 0;
});

const METADATA = { delivery_id: 'dlv-42', customer_id: 'c-7' };

/** Sends one message through the real client and answers the MessageID it got back. */
async function send(to = 'ana@example.com', extra: Record<string, unknown> = {}): Promise<string> {
  const answer = await client.sendEmail({
    From: 'Café <hello@cafe.example>',
    To: to,
    Subject: 'Two stamps to go',
    HtmlBody: '<p>Two stamps to go</p>',
    TextBody: 'Two stamps to go',
    MessageStream: 'outbound',
    Tag: 'stamp-reminder',
    Metadata: METADATA,
    ...extra,
  });
  expect(answer.ErrorCode).toBe(0);
  return answer.MessageID;
}

function last(): Received {
  const got = received.at(-1);
  if (!got) throw new Error('the receiver got nothing');
  return got;
}

function expectIso(value: unknown): void {
  expect(value).toMatch(ISO);
  expect(Number.isNaN(Date.parse(value as string))).toBe(false);
}

describe('local Postmark: accepted messages', () => {
  it('records the Headers the client sent, List-Unsubscribe and List-Unsubscribe-Post included', async () => {
    const messageId = await send('ana@example.com', {
      Headers: [
        { Name: 'List-Unsubscribe', Value: '<https://x/u/t>' },
        { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
      ],
    });
    const message = postmark.sent.find((m) => m.MessageID === messageId);
    expect(message?.Headers).toEqual([
      { Name: 'List-Unsubscribe', Value: '<https://x/u/t>' },
      { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
    ]);
    expect(message?.Metadata).toEqual(METADATA);
  });
});

describe('local Postmark: webhooks', () => {
  it('posts a Delivery as a JSON POST without auth when none is configured', async () => {
    const messageId = await send();
    expect(await postmark.deliver(messageId)).toBe(200);
    const { method, path, headers, body } = last();
    expect(method).toBe('POST');
    expect(path).toBe('/webhooks/postmark');
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBeUndefined();
    expect(body).toEqual({
      RecordType: 'Delivery',
      ServerID: 23,
      MessageStream: 'outbound',
      MessageID: messageId,
      Recipient: 'ana@example.com',
      Tag: 'stamp-reminder',
      DeliveredAt: expect.any(String),
      Details: expect.any(String),
      Metadata: METADATA,
    });
    expectIso(body.DeliveredAt);
  });

  it('posts a hard Bounce that deactivates the address, so the next send answers 406', async () => {
    const messageId = await send('gone@example.com');
    expect(await postmark.bounce(messageId, { type: 'HardBounce' })).toBe(200);
    const { body } = last();
    expect(body).toMatchObject({
      RecordType: 'Bounce',
      ID: expect.any(Number),
      Type: 'HardBounce',
      TypeCode: 1,
      Name: 'Hard bounce',
      Tag: 'stamp-reminder',
      MessageID: messageId,
      Metadata: METADATA,
      ServerID: 23,
      Description: expect.any(String),
      Details: expect.any(String),
      Email: 'gone@example.com',
      From: 'Café <hello@cafe.example>',
      DumpAvailable: false,
      Inactive: true,
      CanActivate: true,
      Subject: 'Two stamps to go',
      MessageStream: 'outbound',
    });
    expectIso(body.BouncedAt);
    await expect(send('gone@example.com')).rejects.toBeInstanceOf(Errors.InactiveRecipientsError);
  });

  it('posts a soft Bounce that leaves the address active', async () => {
    const messageId = await send('full@example.com');
    await postmark.bounce(messageId, { type: 'SoftBounce', description: 'Mailbox full' });
    expect(last().body).toMatchObject({
      RecordType: 'Bounce',
      Type: 'SoftBounce',
      TypeCode: 4096,
      Name: 'Soft bounce',
      Description: 'Mailbox full',
      Email: 'full@example.com',
      Inactive: false,
    });
    await expect(send('full@example.com')).resolves.toEqual(expect.any(String));
  });

  it('posts a SpamComplaint that deactivates for good', async () => {
    const messageId = await send('angry@example.com');
    await postmark.complain(messageId);
    const { body } = last();
    expect(body).toMatchObject({
      RecordType: 'SpamComplaint',
      Type: 'SpamComplaint',
      TypeCode: 512,
      Name: 'Spam complaint',
      MessageID: messageId,
      Email: 'angry@example.com',
      Metadata: METADATA,
      Tag: 'stamp-reminder',
      MessageStream: 'outbound',
      Inactive: true,
      CanActivate: false,
    });
    expectIso(body.BouncedAt);
    expect(postmark.inactiveRecipients.has('angry@example.com')).toBe(true);
  });

  it('posts a SubscriptionChange for a suppression, then for a reactivation', async () => {
    const messageId = await send('bob@example.com');
    await postmark.subscriptionChange(messageId, { suppress: true, reason: 'HardBounce' });
    const suppressed = last().body;
    expect(suppressed).toEqual({
      RecordType: 'SubscriptionChange',
      MessageID: messageId,
      ServerID: 23,
      MessageStream: 'outbound',
      ChangedAt: expect.any(String),
      Recipient: 'bob@example.com',
      Origin: 'Recipient',
      SuppressSending: true,
      SuppressionReason: 'HardBounce',
      Tag: 'stamp-reminder',
      Metadata: METADATA,
    });
    expectIso(suppressed.ChangedAt);
    await expect(send('bob@example.com')).rejects.toBeInstanceOf(Errors.InactiveRecipientsError);

    // Reactivation, by address: MessageID, SuppressionReason and Tag null, Metadata empty.
    await postmark.subscriptionChange('bob@example.com', { suppress: false });
    expect(last().body).toEqual({
      RecordType: 'SubscriptionChange',
      MessageID: null,
      ServerID: 23,
      MessageStream: 'outbound',
      ChangedAt: expect.stringMatching(ISO),
      Recipient: 'bob@example.com',
      Origin: 'Customer',
      SuppressSending: false,
      SuppressionReason: null,
      Tag: null,
      Metadata: {},
    });
    await expect(send('bob@example.com')).resolves.toEqual(expect.any(String));
  });

  it('posts an unsubscribe as a ManualSuppression from the recipient', async () => {
    const messageId = await send('leaving@example.com', { MessageStream: 'broadcast' });
    await postmark.subscriptionChange('leaving@example.com', { suppress: true });
    expect(last().body).toMatchObject({
      MessageID: messageId,
      MessageStream: 'broadcast',
      Origin: 'Recipient',
      SuppressSending: true,
      SuppressionReason: 'ManualSuppression',
    });
  });

  it('posts Opens with FirstOpen true only the first time', async () => {
    const messageId = await send();
    await postmark.open(messageId);
    await postmark.open(messageId);
    const [first, second] = received.map((r) => r.body);
    expect(first).toMatchObject({
      RecordType: 'Open',
      FirstOpen: true,
      MessageID: messageId,
      Recipient: 'ana@example.com',
      Metadata: METADATA,
      Tag: 'stamp-reminder',
      MessageStream: 'outbound',
      Platform: expect.any(String),
      UserAgent: expect.any(String),
      Client: { Name: expect.any(String), Company: expect.any(String), Family: expect.any(String) },
      OS: { Name: expect.any(String), Company: expect.any(String), Family: expect.any(String) },
      Geo: expect.objectContaining({ CountryISOCode: expect.any(String), IP: expect.any(String) }),
    });
    expectIso(first?.ReceivedAt);
    expect(second).toMatchObject({ RecordType: 'Open', FirstOpen: false });
  });

  it('posts a Click with the OriginalLink', async () => {
    const messageId = await send();
    await postmark.click(messageId, 'https://cafe.example/rewards');
    const { body } = last();
    expect(body).toMatchObject({
      RecordType: 'Click',
      ClickLocation: 'HTML',
      OriginalLink: 'https://cafe.example/rewards',
      MessageID: messageId,
      Recipient: 'ana@example.com',
      Metadata: METADATA,
      Platform: expect.any(String),
      UserAgent: expect.any(String),
      Geo: expect.objectContaining({ Country: expect.any(String) }),
    });
    expectIso(body.ReceivedAt);
  });

  it('names the given recipient of a multi-recipient message', async () => {
    const messageId = await send('ana@example.com, "Bo, Jr" <bo@example.com>');
    await postmark.deliver(messageId, { recipient: 'BO@example.com' });
    expect(last().body.Recipient).toBe('bo@example.com');
    await expect(postmark.deliver(messageId, { recipient: 'eve@example.com' })).rejects.toThrow(/not sent to/);
  });

  it('sends HTTP basic auth when configured, or when the URL carries the credentials', async () => {
    const messageId = await send();
    const expected = `Basic ${Buffer.from('pm:s3cret').toString('base64')}`;

    postmark.webhook = { url: receiverUrl, user: 'pm', password: 's3cret' };
    await postmark.deliver(messageId);
    expect(last().headers.authorization).toBe(expected);

    postmark.webhook = { url: receiverUrl.replace('http://', 'http://pm:s3cret@') };
    await postmark.deliver(messageId);
    expect(last().headers.authorization).toBe(expected);
    expect(last().path).toBe('/webhooks/postmark');
  });

  it("answers the receiver's status, records every post, and replays the same payload", async () => {
    const messageId = await send();
    answers.push(500);
    expect(await postmark.bounce(messageId, { type: 'SoftBounce' })).toBe(500);
    expect(await postmark.replay()).toBe(200);
    expect(postmark.webhooksPosted.map((p) => p.status)).toEqual([500, 200]);
    expect(postmark.webhooksPosted[1]?.payload).toBe(postmark.webhooksPosted[0]?.payload);
    expect(received[1]?.body).toEqual(received[0]?.body);
  });

  it('builders and postWebhook also work on their own, so a payload can be sent twice', async () => {
    const messageId = await send();
    const message = postmark.sent.find((m) => m.MessageID === messageId);
    if (!message) throw new Error('not recorded');
    const payload = buildDelivery(message);
    expect(await postWebhook(receiverUrl, payload, { user: 'a', password: 'b' })).toBe(200);
    expect(await postWebhook(receiverUrl, payload)).toBe(200);
    expect(received.map((r) => r.body)).toEqual([payload, payload]);
    expect(received[0]?.headers.authorization).toBe(`Basic ${Buffer.from('a:b').toString('base64')}`);
  });

  it('refuses messages it never accepted, and events with no webhook configured', async () => {
    await expect(postmark.deliver('00000000-0000-0000-0000-000000000000')).rejects.toThrow(/no accepted message/);
    postmark.inactiveRecipients.add('refused@example.com');
    await expect(send('refused@example.com')).rejects.toBeInstanceOf(Errors.InactiveRecipientsError);
    await expect(postmark.complain('not-an-id')).rejects.toThrow(/no accepted message/);
    await expect(postmark.replay()).rejects.toThrow(/nothing to replay/);
    const messageId = await send();
    postmark.webhook = undefined;
    await expect(postmark.deliver(messageId)).rejects.toThrow(/no webhook configured/);
    expect(received).toHaveLength(0);
  });
});
