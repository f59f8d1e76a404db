/**
 * A fixed-window call limit per key (a device, a pass, a client address), so one caller
 * cannot flood a route. Kept in memory per API process: it guards against floods, not
 * against a caller spreading calls over several processes, which at worst multiplies the
 * allowance by the number of processes.
 */
export interface RateLimit {
  /** Counts a call; returns the seconds to wait when the key is over its limit, else 0. */
  hit(key: string, now?: number): number;
}

/**
 * @example
 * const limit = createRateLimit({ calls: 30, windowMs: 60_000 });
 * if (limit.hit(deviceId) > 0) // answer 429
 */
export function createRateLimit(options: { calls: number; windowMs: number; maxDevices?: number }): RateLimit {
  const windows = new Map<string, { start: number; count: number }>();
  const maxDevices = options.maxDevices ?? 100_000;
  return {
    hit(deviceId, now = Date.now()) {
      let w = windows.get(deviceId);
      if (!w || now - w.start >= options.windowMs) {
        if (windows.size >= maxDevices) prune(windows, now, options.windowMs, maxDevices);
        w = { start: now, count: 0 };
        windows.set(deviceId, w);
      }
      w.count += 1;
      return w.count > options.calls ? Math.ceil((w.start + options.windowMs - now) / 1000) : 0;
    },
  };
}

function prune(windows: Map<string, { start: number }>, now: number, windowMs: number, maxDevices: number): void {
  for (const [id, w] of windows) if (now - w.start >= windowMs) windows.delete(id);
  // Still full (a flood of distinct ids): forget the oldest half rather than grow without bound.
  if (windows.size >= maxDevices) {
    let drop = Math.floor(windows.size / 2);
    for (const id of windows.keys()) {
      if (drop-- <= 0) break;
      windows.delete(id);
    }
  }
}
