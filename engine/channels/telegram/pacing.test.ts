import { describe, expect, it } from 'vitest';
import { createPacer } from './pacing';

describe('the Telegram pacer', () => {
  it('keeps one chat at most one message a second and the bot within its rate', async () => {
    const pacer = createPacer({ ratePerS: 20, chatGapMs: 300 });
    const times: [string, number][] = [];
    const start = Date.now();
    await Promise.all(['a', 'b', 'a', 'c', 'a'].map(async (chat) => {
      await pacer.take(chat);
      times.push([chat, Date.now() - start]);
    }));
    const a = times.filter(([c]) => c === 'a').map(([, t]) => t);
    expect(a[1]! - a[0]!).toBeGreaterThanOrEqual(295);
    expect(a[2]! - a[1]!).toBeGreaterThanOrEqual(295);
    const all = times.map(([, t]) => t).sort((x, y) => x - y);
    for (let i = 1; i < all.length; i++) expect(all[i]! - all[i - 1]!).toBeGreaterThanOrEqual(45);
  });

  it('holds every message after a pause (a 429 retry_after), also those already waiting', async () => {
    const pacer = createPacer({ ratePerS: 10, chatGapMs: 0 });
    await pacer.take('x');
    const waiting = pacer.take('y').then(() => Date.now());
    const paused = Date.now();
    pacer.pause(400);
    expect((await waiting) - paused).toBeGreaterThanOrEqual(395);
  });
});
