import { describe, expect, it } from 'vitest';
import { orderedSteps } from './step-labels';
import { reasonText } from './words';

describe('reasonText', () => {
  it('explains the reasons the activities record, keeping their detail', () => {
    expect(reasonText('no_consent')).toBe('No email consent: they did not agree to emails');
    expect(reasonText('frequency_cap')).toMatch(/^Frequency cap/);
    expect(reasonText('suppressed: HardBounce')).toBe('On the do-not-mail list (HardBounce)');
    expect(reasonText('postmark_error_406: Inactive recipient')).toBe('The email service refused it: Inactive recipient');
    expect(reasonText('provider: timeout after 10 s')).toBe('The email service could not be reached: timeout after 10 s');
    expect(reasonText(null)).toBe('');
    expect(reasonText('something_new')).toBe('something new');
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
