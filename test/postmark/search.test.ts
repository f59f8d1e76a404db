/**
 * The stand-in's outbound message search (`GET /messages/outbound`), through the real
 * `postmark` client's `getOutboundMessages`, the way production code would search.
 */
import { Errors, ServerClient } from 'postmark';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SentMessage } from './messages';
import { searchOutbound } from './search';
import { startPostmarkServer, type PostmarkServer } from './server';

const TOKEN = 'search-test-token';
const FROM = 'shop@shop.example';

let postmark: PostmarkServer;
let client: ServerClient;

function message(to: string, extra: Record<string, unknown> = {}) {
  return { From: FROM, To: to, Subject: 'Your stamp', TextBody: 'Hi', ...extra };
}

/** Sends `messages` as one batch and answers their MessageIDs, in order. */
async function sendBatch(messages: Array<ReturnType<typeof message>>): Promise<string[]> {
  const answers = await client.sendEmailBatch(messages);
  expect(answers.every((a) => a.ErrorCode === 0)).toBe(true);
  return answers.map((a) => a.MessageID);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

beforeAll(async () => {
  postmark = await startPostmarkServer({ token: TOKEN });
  client = new ServerClient(TOKEN, { useHttps: false, requestHost: postmark.host, timeout: 5 });
});
afterAll(() => postmark.close());
beforeEach(() => postmark.reset());

describe('outbound message search', () => {
  it('finds exactly the messages whose metadata match every metadata_ filter, with IDs and Metadata', async () => {
    const ids = await sendBatch([
      message('a@example.com', { Metadata: { runId: 'run-1', nodeId: 'n1', page: '1' } }),
      message('b@example.com', { Metadata: { runId: 'run-1', nodeId: 'n1', page: '1' } }),
      message('c@example.com', { Metadata: { runId: 'run-1', nodeId: 'n1', page: '2' } }),
      message('d@example.com', { Metadata: { runId: 'run-2', nodeId: 'n1', page: '1' } }),
      message('e@example.com'),
    ]);

    const found = await client.getOutboundMessages({
      count: 50,
      offset: 0,
      metadata_runId: 'run-1',
      metadata_page: '1',
    });

    expect(found.TotalCount).toBe(2);
    // Newest first: within one batch, the later message was accepted later.
    expect(found.Messages.map((m) => m.MessageID)).toEqual([ids[1], ids[0]]);
    expect(found.Messages.map((m) => m.Metadata)).toEqual([
      { runId: 'run-1', nodeId: 'n1', page: '1' },
      { runId: 'run-1', nodeId: 'n1', page: '1' },
    ]);
    expect(found.Messages[0]).toEqual({
      Tag: '',
      MessageID: ids[1],
      MessageStream: 'outbound',
      To: [{ Email: 'b@example.com', Name: '' }],
      Cc: [],
      Bcc: [],
      Recipients: ['b@example.com'],
      ReceivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      From: FROM,
      Subject: 'Your stamp',
      Attachments: [],
      Status: 'Sent',
      TrackOpens: false,
      TrackLinks: 'None',
      Metadata: { runId: 'run-1', nodeId: 'n1', page: '1' },
      Sandboxed: false,
    });

    const onlyRun = await client.getOutboundMessages({ count: 50, offset: 0, metadata_runId: 'run-1' });
    expect(onlyRun.Messages.map((m) => m.MessageID)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await client.getOutboundMessages({ count: 50, offset: 0, metadata_runId: 'run-9' })).TotalCount).toBe(0);

    // The search is a recorded call like any other, query string included as the client sent it.
    const last = postmark.calls.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/messages/outbound', messages: 0, status: 200 });
    expect(new URLSearchParams(last?.query)).toEqual(new URLSearchParams('count=50&offset=0&metadata_runId=run-9'));
  });

  it('filters by recipient (any case, display names parsed) and by tag', async () => {
    const ids = await sendBatch([
      message('"Ann, Jr" <ann@example.com>', { Tag: 'welcome' }),
      message('bob@example.com', { Tag: 'welcome' }),
      message('ann@example.com, carl@example.com', { Tag: 'receipt' }),
    ]);

    const toAnn = await client.getOutboundMessages({ count: 10, offset: 0, recipient: 'ANN@example.com' });
    expect(toAnn.Messages.map((m) => m.MessageID)).toEqual([ids[2], ids[0]]);
    expect(toAnn.Messages[1]).toMatchObject({
      To: [{ Email: 'ann@example.com', Name: 'Ann, Jr' }],
      Recipients: ['ann@example.com'],
      Tag: 'welcome',
    });
    expect(toAnn.Messages[0]?.Recipients).toEqual(['ann@example.com', 'carl@example.com']);

    const welcome = await client.getOutboundMessages({ count: 10, offset: 0, tag: 'welcome' });
    expect(welcome.Messages.map((m) => m.MessageID)).toEqual([ids[1], ids[0]]);

    const both = await client.getOutboundMessages({
      count: 10,
      offset: 0,
      tag: 'welcome',
      recipient: 'ann@example.com',
    });
    expect(both.Messages.map((m) => m.MessageID)).toEqual([ids[0]]);
  });

  it('takes the client camelCase names: fromEmail, messageStream, subject, status, fromDate and toDate', async () => {
    const [outbound] = await sendBatch([message('a@example.com', { Subject: 'Your March stamp' })]);
    const [broadcast] = await sendBatch([
      message('b@example.com', { From: 'Promo <promo@shop.example>', MessageStream: 'broadcast', TrackOpens: true }),
    ]);

    const search = (filter: Record<string, unknown>) =>
      client.getOutboundMessages({ count: 10, offset: 0, ...filter }).then((r) => r.Messages.map((m) => m.MessageID));

    expect(await search({ messageStream: 'broadcast' })).toEqual([broadcast]);
    expect(await search({ fromEmail: 'PROMO@shop.example' })).toEqual([broadcast]);
    expect(await search({ subject: 'march' })).toEqual([outbound]);
    expect(await search({ status: 'sent' })).toEqual([broadcast, outbound]);
    expect(await search({ status: 'queued' })).toEqual([]);
    expect(await search({ fromDate: '2000-01-01', toDate: '2999-12-31T23:59:59' })).toEqual([broadcast, outbound]);
    expect(await search({ toDate: '2000-01-01' })).toEqual([]);
    expect(await search({ fromDate: '2999-01-01T00:00:00Z' })).toEqual([]);

    const [promo] = (await client.getOutboundMessages({ count: 1, offset: 0, messageStream: 'broadcast' })).Messages;
    expect(promo).toMatchObject({ From: 'Promo <promo@shop.example>', MessageStream: 'broadcast', TrackOpens: true });
    // What the client put on the wire: its own casing, which the stand-in (like Postmark) accepts.
    const names = postmark.calls.map((c) => [...new URLSearchParams(c.query).keys()]).flat();
    expect(names).toEqual(
      expect.arrayContaining(['fromEmail', 'messageStream', 'fromDate', 'toDate', 'count', 'offset']),
    );
  });

  it('pages with count and offset; TotalCount counts every match', async () => {
    const ids = await sendBatch(Array.from({ length: 7 }, (_, i) => message(`p${i}@example.com`, { Tag: 'paged' })));
    await sendBatch([message('other@example.com', { Tag: 'other' })]);
    const newestFirst = [...ids].reverse();

    const pages = [];
    for (const offset of [0, 3, 6]) {
      pages.push(await client.getOutboundMessages({ count: 3, offset, tag: 'paged' }));
    }
    expect(pages.map((p) => p.TotalCount)).toEqual([7, 7, 7]);
    expect(pages.map((p) => p.Messages.length)).toEqual([3, 3, 1]);
    expect(pages.flatMap((p) => p.Messages.map((m) => m.MessageID))).toEqual(newestFirst);

    const beyond = await client.getOutboundMessages({ count: 3, offset: 9, tag: 'paged' });
    expect(beyond).toEqual({ TotalCount: 7, Messages: [] });
  });

  it('answers 422 ErrorCode 700 for a count over 500, count + offset over 10,000 or a missing count', async () => {
    const tooMany = await client.getOutboundMessages({ count: 501, offset: 0 }).catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(Errors.ApiInputError);
    expect(tooMany).toMatchObject({ statusCode: 422, code: 700, message: expect.stringContaining("'count'") });

    const tooFar = await client.getOutboundMessages({ count: 500, offset: 9_501 }).catch((e: unknown) => e);
    expect(tooFar).toMatchObject({ statusCode: 422, code: 700 });
    expect(await client.getOutboundMessages({ count: 500, offset: 9_500 })).toEqual({ TotalCount: 0, Messages: [] });

    const badStatus = await client
      .getOutboundMessages({ count: 1, offset: 0, status: 'lost' as never })
      .catch((e: unknown) => e);
    expect(badStatus).toMatchObject({ statusCode: 422, code: 700 });

    // The client always fills count and offset in; without it, both are required.
    const headers = { 'X-Postmark-Server-Token': TOKEN, Accept: 'application/json' };
    for (const query of ['offset=0', 'count=10', 'count=ten&offset=0']) {
      const res = await fetch(`${postmark.url}/messages/outbound?${query}`, { headers });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ ErrorCode: 700 });
    }
  });

  it('answers 401 ErrorCode 10 to a wrong or missing server token', async () => {
    const wrong = new ServerClient('not-the-token', { useHttps: false, requestHost: postmark.host, timeout: 5 });
    const error = await wrong.getOutboundMessages({ count: 10, offset: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Errors.InvalidAPIKeyError);
    expect(error).toMatchObject({ statusCode: 401, code: 10 });

    const res = await fetch(`${postmark.url}/messages/outbound?count=10&offset=0`, {
      headers: { Accept: 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ErrorCode: 10 });
  });

  it('is subject to the fault script: failNext(1, 503) fails one search, the next is served', async () => {
    const [id] = await sendBatch([message('a@example.com')]);
    postmark.failNext(1, 503);

    const error = await client.getOutboundMessages({ count: 10, offset: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Errors.ServiceUnavailablerError);
    expect(error).toMatchObject({ statusCode: 503, code: 100 });

    const found = await client.getOutboundMessages({ count: 10, offset: 0 });
    expect(found.Messages.map((m) => m.MessageID)).toEqual([id]);
    expect(postmark.calls.map((c) => [c.method, c.path, c.status])).toEqual([
      ['POST', '/email/batch', 200],
      ['GET', '/messages/outbound', 503],
      ['GET', '/messages/outbound', 200],
    ]);
  });

  it('finds messages whose answer was dropped: they were accepted', async () => {
    postmark.acceptThenDrop(1);
    await expect(
      client.sendEmailBatch([message('lost-answer@example.com', { Metadata: { runId: 'r' } })]),
    ).rejects.toThrow();
    expect(postmark.sent).toHaveLength(1);

    const found = await client.getOutboundMessages({ count: 10, offset: 0, metadata_runId: 'r' });
    expect(found.Messages.map((m) => m.MessageID)).toEqual([postmark.sent[0]?.MessageID]);
  });

  it('with searchDelayMs, hides a just-accepted message until the index catches up', async () => {
    postmark.searchDelayMs = 300;
    const [id] = await sendBatch([message('late@example.com', { Metadata: { runId: 'lag' } })]);

    expect(await client.getOutboundMessages({ count: 10, offset: 0, metadata_runId: 'lag' })).toEqual({
      TotalCount: 0,
      Messages: [],
    });
    await sleep(350);
    const found = await client.getOutboundMessages({ count: 10, offset: 0, metadata_runId: 'lag' });
    expect(found.Messages.map((m) => m.MessageID)).toEqual([id]);

    postmark.reset();
    expect(postmark.searchDelayMs).toBe(0);
  });

  it('takes searchDelayMs as a start option', async () => {
    const lagging = await startPostmarkServer({ token: TOKEN, searchDelayMs: 60_000 });
    try {
      const lagClient = new ServerClient(TOKEN, { useHttps: false, requestHost: lagging.host, timeout: 5 });
      await lagClient.sendEmail(message('a@example.com'));
      expect(lagging.sent).toHaveLength(1);
      expect((await lagClient.getOutboundMessages({ count: 10, offset: 0 })).TotalCount).toBe(0);
    } finally {
      await lagging.close();
    }
  });

  it('reads zone-less fromdate and todate as Eastern Time, todate inclusive, DST included', () => {
    const at = (iso: string): SentMessage => ({
      MessageID: iso,
      To: 'a@example.com',
      From: FROM,
      Subject: 'S',
      MessageStream: 'outbound',
      at: new Date(iso),
    });
    // 23:30 in New York on Jan 14 (EST, -05:00) and on Jul 14 (EDT, -04:00).
    const sent = [at('2024-01-15T04:30:00.000Z'), at('2024-07-15T03:30:00.000Z')];
    const ids = (query: string) => {
      const reply = searchOutbound(sent, new URLSearchParams(`count=10&offset=0&${query}`), new Date());
      return reply.status === 200 ? reply.body.Messages.map((m) => m.MessageID) : reply;
    };
    expect(ids('todate=2024-01-14')).toEqual(['2024-01-15T04:30:00.000Z']);
    expect(ids('fromdate=2024-01-15&todate=2024-07-14')).toEqual(['2024-07-15T03:30:00.000Z']);
    expect(ids('fromdate=2024-07-15')).toEqual([]);
    expect(ids('fromdate=2024-01-14T23:30:00&todate=2024-01-14T23:30:00')).toEqual(['2024-01-15T04:30:00.000Z']);
    expect(ids('fromdate=2024-01-14T23:30:01')).toEqual(['2024-07-15T03:30:00.000Z']);
    expect(ids('todate=2024-07-14T23:29:59')).toEqual(['2024-01-15T04:30:00.000Z']);
    expect(ids('todate=2024-07-15T03:30:00Z')).toEqual(['2024-07-15T03:30:00.000Z', '2024-01-15T04:30:00.000Z']);
    expect(ids('todate=2024-02-30')).toMatchObject({ status: 422, body: { ErrorCode: 700 } });
  });
});
