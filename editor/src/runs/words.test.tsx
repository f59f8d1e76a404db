import { describe, expect, it } from 'vitest';
import { orderedSteps, stepNote } from './step-labels';
import { reasonText } from './words';

describe('reasonText', () => {
  it('explains the reasons the activities record, keeping their detail', () => {
    expect(reasonText('no_consent')).toBe('No email consent: they did not agree to emails');
    expect(reasonText('frequency_cap')).toMatch(/^Weekly limit/);
    expect(reasonText('suppressed: HardBounce')).toBe('On the do-not-mail list (HardBounce)');
    expect(reasonText('postmark_error_406: Inactive recipient')).toBe(
      'The email service refused it: Inactive recipient',
    );
    expect(reasonText('provider: timeout after 10 s')).toBe(
      'The email service could not be reached: timeout after 10 s',
    );
    expect(reasonText(null)).toBe('');
    expect(reasonText('something_new')).toBe('something new');
  });

  it('names each wallet device a push could not reach, and why', () => {
    expect(reasonText('no_wallet_device')).toMatch(/^The card is in no Apple or Google wallet yet/);
    expect(reasonText('unregistered (apple 0123456789abcdef0123)')).toBe(
      'The phone removed the card (Apple said the device is unregistered) — Apple device 0123456789ab',
    );
    expect(reasonText('google_notification_budget; bad_device_token (apple ffff0000ffff0000)')).toBe(
      'Shown without a sound on Google Wallet: Google allows 3 notifications per card a day. Apple refused the device token; the device is forgotten — Apple device ffff0000ffff',
    );
  });
});

describe('orderedSteps', () => {
  it('orders steps as a customer meets them, from the trigger', () => {
    const node = (id: string, type: string) => ({ id, type, position: { x: 0, y: 0 }, data: {} });
    const graph = {
      nodes: [node('email', 'email'), node('push', 'push'), node('t', 'trigger'), node('orphan', 'wait')],
      edges: [
        { id: 'a', source: 't', target: 'push' },
        { id: 'b', source: 'push', target: 'email' },
      ],
    };
    expect(orderedSteps(graph, ['orphan', 'email', 'push'])).toEqual(['push', 'email', 'orphan']);
  });
});

describe('stepNote', () => {
  const graph = (data: Record<string, unknown>) => ({
    nodes: [{ id: 'p', type: 'push', position: { x: 0, y: 0 }, data: { text: 'Hi', ...data } }],
    edges: [],
  });

  it('says a push sets a nearby text (not a delivery) and where its long text is', () => {
    expect(stepNote(graph({ nearbyText: 'Free coffee waits' }), 'p')).toBe(
      'Also sets the nearby text "Free coffee waits" on each pass it reached: shown near your shops, not a message',
    );
    expect(stepNote(graph({ messageText: 'All week.' }), 'p')).toBe('The full message is on each card page');
    expect(stepNote(graph({}), 'p')).toBeUndefined();
  });
});
