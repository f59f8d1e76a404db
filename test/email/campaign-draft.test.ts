/**
 * A campaign's email before it is sent: broken placeholders and `{{voucher.code}}` without a
 * voucher are refused with the compiler's diagnostic (400, nothing written), and a test goes
 * through the real Postmark client to the local Postmark server, to staff only.
 */
import { describe, expect, it } from 'vitest';
import { api, ADMIN_TOKEN, ok, type Customer, type ErrorBody } from '../e2e/http';
import { WITHOUT_RULES } from '../support/messaging-rules';
import { ADDRESS } from './kit';
import { servedForFile } from './served';

const file = servedForFile();

interface Diagnostic {
  nodeId?: string;
  field?: string;
  code: string;
  message: string;
}

async function cafe() {
  const owner = { email: `owner-${Date.now()}-${Math.random().toString(36).slice(2)}@cafe.test`, password: 'a long secret phrase' };
  const created = ok(
    await api(file.app, ADMIN_TOKEN).post<{ id: string; apiKey: string }>('/v1/merchants', {
      name: 'Draft café',
      timezone: 'Europe/Berlin',
      messagingRules: WITHOUT_RULES,
      owner,
    }),
    201,
  );
  const m = api(file.app, created.apiKey);
  const card = ok(await m.post<{ id: string }>('/v1/cards', { name: 'Coffee card', stampsRequired: 10, reward: 'Free coffee' }), 201);
  ok(await m.put('/v1/merchant/settings', { postalAddress: ADDRESS }), 200);
  ok(
    await m.post('/v1/customers', {
      customers: [{ externalId: 'zoe', name: 'Zoë', email: 'zoe@mail.test', emailConsent: true, cardId: card.id }],
    }),
    201,
  );
  const zoe = ok(await m.get<{ items: Customer[] }>('/v1/customers'), 200).items[0]!;
  const flows = () => file.stack.db.selectFrom('flows').select('id').where('merchant_id', '=', created.id).execute();
  return { m, owner, cardId: card.id, zoe, flows };
}

const diagnosticsOf = (body: unknown) => ((body as ErrorBody).error.details as { diagnostics: Diagnostic[] }).diagnostics;

describe('campaign email rules', () => {
  it('answers 400 naming an unclosed placeholder in the email, and writes nothing', async () => {
    const { m, cardId, flows } = await cafe();
    for (const path of ['/v1/campaigns', '/v1/campaigns/preview']) {
      const answer = await m.post(path, {
        cardId,
        push: { text: 'Hello' },
        email: { subject: 'A coffee for you', body: 'Hi {{customer.name, see you soon' },
      });
      expect(answer.status).toBe(400);
      expect(diagnosticsOf(answer.body)).toEqual([
        expect.objectContaining({ nodeId: 'email', field: 'body', code: 'broken_placeholder', message: expect.stringContaining('{{customer.name}}') }),
      ]);
    }
    expect(await flows()).toEqual([]);
  });

  it('answers 400 for {{voucher.code}} without a voucher in the campaign, and accepts it with one', async () => {
    const { m, cardId, flows } = await cafe();
    const email = { subject: 'Your treat', body: 'Show {{voucher.code}} at the till.' };
    const without = await m.post('/v1/campaigns', { cardId, push: { text: 'Hello' }, email });
    expect(without.status).toBe(400);
    expect(diagnosticsOf(without.body)).toEqual([
      expect.objectContaining({ nodeId: 'email', field: 'body', code: 'voucher_placeholder_without_voucher' }),
    ]);
    expect(await flows()).toEqual([]);
    const preview = await m.post('/v1/campaigns/preview', { cardId, push: { text: 'Hello' }, email, voucher: { title: 'Free coffee', validDays: 7 } });
    expect(preview.status).toBe(200);
  });
});

describe('a test of the campaign email', () => {
  it('reaches the Postmark server for the owner, filled with a chosen customer, and nobody else', async () => {
    const { m, owner, zoe, flows } = await cafe();
    const email = { subject: 'Hi {{customer.name}}', body: 'You have {{stampsLeft}} stamps to go.' };
    const before = file.postmark.sent.length;

    const stranger = await m.post('/v1/campaigns/test-send', { email, to: 'stranger@else.test' });
    expect(stranger.status).toBe(422);
    const broken = await m.post('/v1/campaigns/test-send', { email: { ...email, subject: 'Hi {{customer.name' }, to: owner.email });
    expect(broken.status).toBe(400);
    expect(diagnosticsOf(broken.body)).toEqual([expect.objectContaining({ field: 'subject', code: 'broken_placeholder' })]);
    expect(file.postmark.sent.length).toBe(before);

    const sent = ok(await m.post<{ to: string; test: boolean }>('/v1/campaigns/test-send', { email, to: owner.email, customerId: zoe.id }), 202);
    expect(sent).toEqual({ to: owner.email, test: true });
    const got = file.postmark.sent.slice(before);
    expect(got).toEqual([expect.objectContaining({ To: owner.email, Subject: '[Test] Hi Zoë', Tag: 'test' })]);
    expect(got[0]?.TextBody).toContain('You have 10 stamps to go.');
    expect(await flows()).toEqual([]);
  });
});
