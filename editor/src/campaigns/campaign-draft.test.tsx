import { describe, expect, it } from 'vitest';
import { campaignBody, checkDraft, serverErrors, withDefaultName, type CampaignDraft } from './campaign-draft';

const draft = (patch: Partial<CampaignDraft> = {}): CampaignDraft => ({
  cardId: 'c1',
  name: 'Coffee card · 3 Mar 09:05',
  nameEdited: false,
  pushText: 'Hello ☕',
  nearbyText: '',
  nearbyUntil: '',
  messageText: '',
  voucher: undefined,
  email: undefined,
  when: 'now',
  sendAt: '',
  ...patch,
});

const cards = [{ id: 'c1', name: 'Coffee card' }];

describe('campaign draft', () => {
  it('sends the nearby text with its end and the long text, checked by the push rules', () => {
    const now = new Date('2030-01-01T10:00:00Z');
    const nearby = draft({ nearbyText: 'Free coffee waits ☕', nearbyUntil: '2030-01-02T18:00', messageText: 'All week long.' });
    expect(checkDraft(nearby, now)).toEqual({});
    expect(campaignBody(nearby)).toMatchObject({
      nearbyText: 'Free coffee waits ☕',
      nearbyUntil: expect.stringMatching(/^2030-01-02T/),
      messageText: 'All week long.',
    });
    expect(checkDraft(draft({ nearbyText: 'This is far too long for it' }), now).nearbyText).toMatch(/at most 20/);
    expect(checkDraft(draft({ nearbyText: 'Soon', nearbyUntil: '2029-12-31T10:00' }), now).nearbyUntil).toMatch(/passed/);
  });

  it('accepts a push-only campaign sent now', () => {
    expect(checkDraft(draft())).toEqual({});
    expect(campaignBody(draft())).toEqual({ name: 'Coffee card · 3 Mar 09:05', cardId: 'c1', push: { text: 'Hello ☕' } });
  });

  it('names the campaign after the send time once one is chosen, until the merchant types a name', () => {
    const opened = new Date(2025, 2, 3, 9, 5);
    expect(withDefaultName(draft({ when: 'at', sendAt: '2025-03-04T18:30' }), opened, cards).name).toBe(
      'Coffee card · 4 Mar 18:30',
    );
    expect(withDefaultName(draft({ when: 'now', sendAt: '2025-03-04T18:30' }), opened, cards).name).toBe(
      'Coffee card · 3 Mar 09:05',
    );
    expect(withDefaultName(draft({ name: 'Mine', nameEdited: true }), opened, cards).name).toBe('Mine');
  });

  it('rejects a send time in the past', () => {
    const errors = checkDraft(draft({ when: 'at', sendAt: '2020-01-01T10:00' }), new Date(2025, 0, 1));
    expect(errors.sendAt).toMatch(/passed/);
  });

  it('reports an unknown email placeholder with the compiler’s message', () => {
    const errors = checkDraft(draft({ email: { subject: 'Hi {{name}}', body: 'x' } }));
    expect(errors['email.subject']).toMatch(/Unknown placeholder \{\{name\}\}/);
  });

  it('sorts zod paths and compiler diagnostics onto fields, the rest to the top', () => {
    const zod = serverErrors([
      { path: 'push.text', message: 'too long' },
      { path: 'cardId', message: 'must be a UUID' },
      { path: '', message: 'Something else' },
    ]);
    expect(zod.fields).toEqual({ 'push.text': 'too long', cardId: 'must be a UUID' });
    expect(zod.other).toEqual(['Something else']);
    const compiler = serverErrors({
      diagnostics: [
        { nodeId: 'voucher', field: 'validDays', code: 'invalid_value', message: 'at least 1' },
        { nodeId: 'email', field: 'subject', code: 'unknown_placeholder', message: 'unknown' },
        { nodeId: 'trigger', field: 'sendAt', code: 'invalid_value', message: 'in the past' },
        { nodeId: 'push', code: 'invalid_value', message: 'Push text is empty.' },
      ],
    });
    expect(compiler.fields).toEqual({
      'voucher.validDays': 'at least 1',
      'email.subject': 'unknown',
      sendAt: 'in the past',
      'push.text': 'Push text is empty.',
    });
  });
});
