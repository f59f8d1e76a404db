import { describe, expect, it } from 'vitest';
import { heldBackSentence } from './held-back-words';

describe('heldBackSentence', () => {
  it('says nothing when nothing was held back', () => {
    expect(heldBackSentence(undefined, 30)).toBeUndefined();
    expect(heldBackSentence({ flowId: 'f', total: 0, byRule: [] }, 30)).toBeUndefined();
  });

  it('counts messages per channel under the rule that held them back', () => {
    expect(
      heldBackSentence(
        {
          flowId: 'f',
          total: 5,
          byRule: [
            { rule: 'frequency_cap', channel: 'email', count: 4 },
            { rule: 'frequency_cap', channel: 'push', count: 1 },
          ],
        },
        30,
      ),
    ).toBe('Messaging rules held back 5 messages in the last 30 days: 4 emails and 1 push over the weekly limit');
  });

  it('says until when quiet hours held messages, next to what the weekly limit dropped', () => {
    expect(
      heldBackSentence(
        {
          flowId: 'f',
          total: 16,
          byRule: [
            { rule: 'quiet_hours', channel: 'push', count: 12, until: '2026-12-07T08:00:00.000Z' },
            { rule: 'frequency_cap', channel: 'email', count: 4 },
          ],
        },
        30,
        'Europe/Berlin',
      ),
    ).toBe(
      'Messaging rules held back 16 messages in the last 30 days: 12 pushes held until 09:00 by quiet hours; 4 emails over the weekly limit',
    );
  });
});
