import { describe, expect, it } from 'vitest';
import { campaignStatusText, reachedText } from './reach-words';

describe('reachedText', () => {
  it('counts people, then messages per channel', () => {
    expect(reachedText({ customers: 25, push: 25, email: 17 }, ['push', 'email'])).toBe('25 customers: 25 pushes, 17 emails');
  });
  it('speaks in the singular for one', () => {
    expect(reachedText({ customers: 1, push: 1, email: 0 }, ['push'])).toBe('1 customer: 1 push');
  });
  it('says nobody before anything went out', () => {
    expect(reachedText({ customers: 0, push: 0, email: 0 }, ['push'])).toBe('Nobody yet');
    expect(reachedText({ customers: 3, push: 3, email: 0, telegram: 2 }, ['push', 'telegram'])).toBe(
      '3 customers: 3 pushes, 2 Telegram messages',
    );
  });
  it('names statuses in the owner\u2019s words', () => {
    expect(campaignStatusText('completed')).toBe('Sent');
    expect(campaignStatusText(null)).toBe('Starting');
  });
});
