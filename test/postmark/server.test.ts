import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostmarkServer, type PostmarkServer } from './server';

const TOKEN = 'token';
let postmark: PostmarkServer;

const message = { From: 'a@shop.example', To: 'b@example.com', Subject: 'Hi', TextBody: 'Hi' };
const jsonHeaders = {
  'X-Postmark-Server-Token': TOKEN,
  Accept: 'application/json',
  'Content-Type': 'application/json',
};

async function post(path: string, body: string, headers: Record<string, string> = jsonHeaders) {
  const res = await fetch(`${postmark.url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as unknown };
}

beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
});
afterAll(() => postmark.close());
beforeEach(() => postmark.reset());

describe('local Postmark server', () => {
  it('answers 401 with ErrorCode 10 for a missing token', async () => {
    const { status, body } = await post('/email', JSON.stringify(message), {
      Accept: 'application/json',
      'Content-Type': 'application/json',
    });
    expect(status).toBe(401);
    expect(body).toMatchObject({ ErrorCode: 10 });
  });

  it('answers 422 ErrorCode 409 without JSON Accept and Content-Type headers', async () => {
    const { status, body } = await post('/email', JSON.stringify(message), {
      'X-Postmark-Server-Token': TOKEN,
      'Content-Type': 'text/plain',
    });
    expect(status).toBe(422);
    expect(body).toMatchObject({ ErrorCode: 409 });
  });

  it('answers 422 ErrorCode 402 for a body that is not JSON', async () => {
    const { status, body } = await post('/email/batch', '[{"From":');
    expect(status).toBe(422);
    expect(body).toMatchObject({ ErrorCode: 402, Message: expect.stringContaining('Invalid JSON') });
  });

  it('refuses a batch of more than 500 messages as a whole and records nothing', async () => {
    const { status, body } = await post('/email/batch', JSON.stringify(Array.from({ length: 501 }, () => message)));
    expect(status).toBe(422);
    expect(body).toMatchObject({ ErrorCode: 410 });
    expect(postmark.sent).toHaveLength(0);
  });

  it('answers a single /email with 200 and a MessageID, or 422 with the per-message code', async () => {
    postmark.inactiveRecipients.add('b@example.com');
    const refused = await post('/email', JSON.stringify(message));
    expect(refused).toMatchObject({
      status: 422,
      body: { ErrorCode: 406, Message: expect.stringContaining('Found inactive addresses: b@example.com.') },
    });

    postmark.inactiveRecipients.clear();
    const sent = await post('/email', JSON.stringify(message));
    expect(sent).toMatchObject({ status: 200, body: { ErrorCode: 0, Message: 'OK', To: 'b@example.com' } });
    expect(postmark.sent).toHaveLength(1);
  });

  it('validates each message of a batch: From, To, Subject, body, stream and invalid patterns', async () => {
    postmark.invalidRecipientPatterns.push(/@blocked\.example$/);
    const batch = [
      { ...message, From: '' },
      { ...message, To: '' },
      { ...message, To: 'x..y@example.com' },
      { ...message, Subject: '' },
      { ...message, TextBody: undefined },
      { ...message, MessageStream: 'unknown' },
      { ...message, To: 'c@blocked.example' },
      { ...message, To: '"Doe, Jane" <jane@example.com>' },
    ];
    const { status, body } = await post('/email/batch', JSON.stringify(batch));
    expect(status).toBe(200);
    expect((body as Array<{ ErrorCode: number }>).map((r) => r.ErrorCode)).toEqual([
      300, 300, 300, 300, 300, 1235, 300, 0,
    ]);
    expect(postmark.countsByRecipient()).toEqual(new Map([['jane@example.com', 1]]));
  });

  it('answers but records nothing for the POSTMARK_API_TEST token', async () => {
    const { status } = await post('/email', JSON.stringify(message), {
      ...jsonHeaders,
      'X-Postmark-Server-Token': 'POSTMARK_API_TEST',
    });
    expect(status).toBe(200);
    expect(postmark.sent).toHaveLength(0);
  });

  it('plays scripted faults in order, then serves normally', async () => {
    postmark.failNext(2, 503);
    postmark.passNext(1);
    postmark.failNext(1, 429);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await post('/email', JSON.stringify(message))).status);
    expect(statuses).toEqual([503, 503, 200, 429, 200]);
    expect(postmark.requests).toBe(5);
    expect(postmark.sent).toHaveLength(2);
  });

  it('delays every answer by latencyMs', async () => {
    postmark.latencyMs = 150;
    const started = performance.now();
    await post('/email', JSON.stringify(message));
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});
