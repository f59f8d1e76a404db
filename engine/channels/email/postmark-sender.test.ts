import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startPostmarkServer, type PostmarkServer } from '../../../test/postmark-server';
import { createPostmarkSender, PostmarkUnavailableError, settledBeforeFailure } from './postmark-sender';
import type { EmailSender, OutgoingEmail } from './types';

const TOKEN = 'server-token-for-tests';
let postmark: PostmarkServer;
let sender: EmailSender;

function email(to: string, extra: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: 'Stampflow <hello@cafe.example>',
    to,
    subject: 'Two stamps to go',
    htmlBody: '<p>Two stamps to go</p>',
    textBody: 'Two stamps to go',
    messageStream: 'outbound',
    ...extra,
  };
}

function emails(n: number): OutgoingEmail[] {
  return Array.from({ length: n }, (_, i) => email(`customer${i}@example.com`));
}

async function thrown(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected the call to throw'),
    (error: unknown) => error,
  );
}

beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
  sender = createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 2_000 });
});
afterAll(() => postmark.close());
beforeEach(() => postmark.reset());

describe('createPostmarkSender', () => {
  it('returns one result per message, in order, for a batch with sent, suppressed and invalid messages', async () => {
    postmark.inactiveRecipients.add('bounced@example.com');
    const results = await sender.sendBatch([
      email('ada@example.com'),
      email('Bounced@Example.com'),
      email('not-an-address'),
    ]);

    expect(results).toHaveLength(3);
    expect(results[0]).toEqual({ status: 'sent', providerMessageId: postmark.sent[0]?.MessageID });
    expect(results[1]).toEqual({ status: 'suppressed', reason: 'inactive_recipient' });
    expect(results[2]).toMatchObject({ status: 'failed' });
    expect(results[2]?.status === 'failed' && results[2].reason).toMatch(
      /^invalid_email: .*Illegal email address 'not-an-address'/,
    );
    expect(postmark.sent.map((m) => m.To)).toEqual(['ada@example.com']);
    expect(postmark.calls).toEqual([{ method: 'POST', path: '/email/batch', messages: 3, status: 200 }]);
  });

  it('classifies an inactive recipient as suppressed, not retried', async () => {
    postmark.inactiveRecipients.add('gone@example.com');
    await expect(sender.sendBatch([email('gone@example.com')])).resolves.toEqual([
      { status: 'suppressed', reason: 'inactive_recipient' },
    ]);
    expect(postmark.requests).toBe(1);
  });

  it('classifies an unknown message stream as a final failure of that message', async () => {
    const [result] = await sender.sendBatch([email('ada@example.com', { messageStream: 'nope' })]);
    expect(result).toMatchObject({ status: 'failed', reason: expect.stringMatching(/^postmark_error_1235: /) });
  });

  it('passes headers, metadata, tag and stream through to Postmark', async () => {
    await sender.sendBatch([
      email('ada@example.com', {
        messageStream: 'broadcast',
        headers: [{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }],
        metadata: { deliveryId: 'd-1' },
        tag: 'winback',
      }),
    ]);
    expect(postmark.sent[0]).toMatchObject({
      From: 'Stampflow <hello@cafe.example>',
      MessageStream: 'broadcast',
      Headers: [{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }],
      Metadata: { deliveryId: 'd-1' },
      Tag: 'winback',
      TextBody: 'Two stamps to go',
      HtmlBody: '<p>Two stamps to go</p>',
    });
  });

  it('fails non-retryably when Postmark rejects the server token', async () => {
    const wrong = createPostmarkSender({ serverToken: 'wrong-token', apiUrl: postmark.url });
    const error = await thrown(wrong.sendBatch([email('ada@example.com')]));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({
      nonRetryable: true,
      type: 'PostmarkAuthError',
      message: 'Postmark rejected the server token',
    });
    expect(postmark.sent).toHaveLength(0);
  });

  it('fails non-retryably when Postmark refuses the whole call with 422', async () => {
    postmark.failNext(1, 422, 409);
    const error = await thrown(sender.sendBatch([email('ada@example.com')]));
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ nonRetryable: true, type: 'PostmarkInputError' });
    expect((error as Error).message).toContain('ErrorCode 409');
  });

  it.each([
    [500, /^Postmark answered 500: /],
    [503, /^Postmark answered 503: Maintenance/],
    [429, /^Postmark answered 429 \(rate limited\): /],
  ] as const)('throws a retryable error on %i and reports nothing as sent', async (status, message) => {
    postmark.failNext(1, status);
    const error = await thrown(sender.sendBatch(emails(3)));
    expect(error).toBeInstanceOf(PostmarkUnavailableError);
    expect(error).not.toBeInstanceOf(ApplicationFailure);
    expect((error as Error).message).toMatch(message);
    expect(settledBeforeFailure(error)).toEqual([]);
    expect(postmark.sent).toHaveLength(0);

    // The retry of the same batch goes through once the fault has passed.
    const retry = await sender.sendBatch(emails(3));
    expect(retry.every((r) => r.status === 'sent')).toBe(true);
    expect([...postmark.countsByRecipient().values()]).toEqual([1, 1, 1]);
  });

  it('throws a retryable error when Postmark cannot be reached', async () => {
    const closed = await startPostmarkServer({ token: TOKEN });
    await closed.close();
    const unreachable = createPostmarkSender({ serverToken: TOKEN, apiUrl: closed.url });
    const error = await thrown(unreachable.sendBatch([email('ada@example.com')]));
    expect(error).toBeInstanceOf(PostmarkUnavailableError);
    expect((error as Error).message).toMatch(/^Postmark gave no answer \(.*ECONNREFUSED/);
  });

  // The accepted-then-lost case: Postmark accepted the batch but the answer never arrived.
  // The call must fail retryably (we cannot know it was sent), and the retry duplicates:
  // Postmark has no idempotency key, so only the delivery ledger can count this.
  it('throws a retryable timeout when Postmark accepts a batch but never answers, and the retry duplicates', async () => {
    const quick = createPostmarkSender({ serverToken: TOKEN, apiUrl: postmark.url, timeoutMs: 300 });
    postmark.acceptThenDrop(1, 'hang');
    const error = await thrown(quick.sendBatch([email('ada@example.com')]));
    expect(error).toBeInstanceOf(PostmarkUnavailableError);
    expect((error as Error).message).toMatch(/^Postmark gave no answer \(timeout of 300ms exceeded\)/);
    expect(postmark.sent.map((m) => m.To)).toEqual(['ada@example.com']);
    expect(postmark.calls[0]?.status).toBe('dropped');

    await quick.sendBatch([email('ada@example.com')]);
    expect(postmark.countsByRecipient().get('ada@example.com')).toBe(2);
  });

  it('throws a retryable error when Postmark accepts a batch and then resets the connection', async () => {
    postmark.acceptThenDrop(1, 'reset');
    const error = await thrown(sender.sendBatch([email('ada@example.com')]));
    expect(error).toBeInstanceOf(PostmarkUnavailableError);
    expect((error as Error).message).toMatch(/socket hang up|ECONNRESET/);
    expect(postmark.sent).toHaveLength(1);
  });

  it('splits 1,200 messages into calls of 500, 500 and 200, in order', async () => {
    const batch = emails(1200);
    const results = await sender.sendBatch(batch);

    expect(postmark.calls.map((c) => c.messages)).toEqual([500, 500, 200]);
    expect(results).toHaveLength(1200);
    expect(results.every((r) => r.status === 'sent')).toBe(true);
    expect(postmark.sent.map((m) => m.To)).toEqual(batch.map((m) => m.to));
    const ids = results.map((r) => (r.status === 'sent' ? r.providerMessageId : ''));
    expect(ids).toEqual(postmark.sent.map((m) => m.MessageID));
    expect(new Set(ids).size).toBe(1200);
  });

  it('hands back the results of the chunks already sent when a later chunk fails', async () => {
    postmark.passNext(1);
    postmark.failNext(1, 503);
    const error = await thrown(sender.sendBatch(emails(1200)));

    expect(error).toBeInstanceOf(PostmarkUnavailableError);
    const settled = settledBeforeFailure(error);
    expect(settled).toHaveLength(500);
    expect(settled.every((r) => r.status === 'sent')).toBe(true);
    expect(postmark.sent).toHaveLength(500);
    expect(postmark.requests).toBe(2);
  });

  it('sends nothing for an empty batch', async () => {
    await expect(sender.sendBatch([])).resolves.toEqual([]);
    expect(postmark.requests).toBe(0);
  });

  it('rejects an apiUrl with a path, which the client cannot use', () => {
    expect(() => createPostmarkSender({ serverToken: TOKEN, apiUrl: 'http://127.0.0.1:4010/v1' })).toThrow(/path/);
  });
});
