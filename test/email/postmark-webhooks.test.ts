/**
 * Postmark's webhooks as Postmark posts them (the stand-in, over real HTTP, with basic auth):
 * credentials, malformed and unknown events, delivery/open/click, complaints, Postmark's own
 * suppressions mirrored both ways, and replays that change nothing.
 */
import { describe, expect, it } from 'vitest';
import { createMerchant, ok, runDeliveries } from '../e2e/http';
import { broadcastGraph } from '../support/graphs';
import { byCustomerAndStep, emailKit } from './kit';
import { servedForFile, WEBHOOK_AUTH } from './served';

const file = servedForFile();
const { people, run, sentTo, consentOf } = emailKit(file);

describe('Postmark webhooks', () => {
  const post = (body: unknown, auth?: string) =>
    fetch(`${file.url}/webhooks/postmark`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: auth } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  it('refuse wrong or missing credentials (401) and change nothing', async () => {
    const m = await createMerchant(file.app, 'Webhook auth café');
    const c = (await people(m, [{ key: 'a', consent: true }])).get('a')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const message = sentTo(c)[0]!;
    const complaint = {
      RecordType: 'SpamComplaint',
      MessageID: message.MessageID,
      Email: message.To,
      BouncedAt: new Date().toISOString(),
      Type: 'SpamComplaint',
    };
    expect((await post(complaint)).status).toBe(401);
    expect((await post(complaint, basic(WEBHOOK_AUTH.user, 'wrong-password-xx'))).status).toBe(401);
    expect((await consentOf(m, c)).state).toBe('granted');
    expect(ok(await m.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
  });

  it('answer 400 to a malformed payload and 200 to an event for a message nobody sent', async () => {
    const auth = basic(WEBHOOK_AUTH.user, WEBHOOK_AUTH.password);
    expect((await post('{not json', auth)).status).toBe(400);
    expect((await post({ RecordType: 'Nonsense', MessageID: 'x' }, auth)).status).toBe(400);
    const unknown = await post(
      {
        RecordType: 'Delivery',
        MessageID: '00000000-0000-4000-8000-000000000000',
        Recipient: 'x@y.test',
        DeliveredAt: new Date().toISOString(),
      },
      auth,
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ result: 'unknown_message' });
  });

  it('move a delivery to delivered once, and a replayed complaint changes nothing more', async () => {
    const m = await createMerchant(file.app, 'Replay café');
    const c = await people(m, [
      { key: 'd', consent: true },
      { key: 'x', consent: true },
    ]);
    const { runId } = await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const delivered = sentTo(c.get('d')!)[0]!;
    expect(await file.postmark.deliver(delivered.MessageID)).toBe(200);
    expect(await file.postmark.replay()).toBe(200);
    expect(await file.postmark.open(delivered.MessageID)).toBe(200);
    expect(await file.postmark.click(delivered.MessageID, 'https://cafe.test/menu')).toBe(200);
    const complained = sentTo(c.get('x')!)[0]!;
    expect(await file.postmark.complain(complained.MessageID)).toBe(200);
    expect(await file.postmark.replay()).toBe(200);

    const d = byCustomerAndStep(await runDeliveries(m, runId));
    expect(d.get(`${c.get('d')!.id}/email`)).toMatchObject({
      status: 'delivered',
      providerEvent: { at: expect.any(String) },
      openedAt: expect.any(String),
      clickedAt: expect.any(String),
    });
    expect(d.get(`${c.get('x')!.id}/email`)).toMatchObject({ status: 'complained' });
    const history = await consentOf(m, c.get('x')!);
    expect(history.items.map((i) => `${i.state}/${i.source}`)).toEqual([
      'withdrawn/provider_complaint',
      'granted/import',
    ]);
    const suppressions = ok(
      await m.api.get<{ items: { email: string; reason: string }[] }>('/v1/suppressions'),
      200,
    ).items;
    expect(suppressions).toEqual([expect.objectContaining({ email: complained.To, reason: 'spam_complaint' })]);
  });

  it('mirror a suppression made on Postmark\u2019s side both ways', async () => {
    const m = await createMerchant(file.app, 'Mirror café');
    const c = (await people(m, [{ key: 'a', consent: true }])).get('a')!;
    await run(m, broadcastGraph({ email: { subject: 'Hi', body: 'Hello' } }), 'hi');
    const message = sentTo(c)[0]!;
    expect(
      await file.postmark.subscriptionChange(message.MessageID, { suppress: true, reason: 'ManualSuppression' }),
    ).toBe(200);
    expect(ok(await m.api.get<{ items: { reason: string }[] }>('/v1/suppressions'), 200).items).toEqual([
      expect.objectContaining({ reason: 'provider_suppression' }),
    ]);
    expect((await consentOf(m, c)).items[0]).toMatchObject({
      state: 'withdrawn',
      source: 'provider_subscription_change',
    });
    expect(await file.postmark.subscriptionChange(message.MessageID, { suppress: false })).toBe(200);
    expect(ok(await m.api.get<{ items: unknown[] }>('/v1/suppressions'), 200).items).toEqual([]);
    const reactivation = file.postmark.webhooksPosted.at(-1)!.payload;

    // Suppressed again later; then Postmark retries the old reactivation: it must change nothing.
    expect(await file.postmark.subscriptionChange(message.MessageID, { suppress: true, reason: 'HardBounce' })).toBe(
      200,
    );
    expect(await file.postmark.replay(reactivation)).toBe(200);
    expect(ok(await m.api.get<{ items: { reason: string }[] }>('/v1/suppressions'), 200).items).toEqual([
      expect.objectContaining({ reason: 'hard_bounce' }),
    ]);
  });
});
