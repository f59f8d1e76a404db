/**
 * A per-device limit on PassKit registration calls, so one misbehaving (or hostile) device
 * cannot fill the registration tables. Kept in memory per API process: it guards against
 * floods, not against a device spreading calls over several processes, which at worst
 * multiplies the allowance by the number of processes.
 */
export interface DeviceRateLimit {
  /** Counts a call; returns the seconds to wait when the device is over its limit, else 0. */
  hit(deviceId: string, now?: number): number;
}

/**
 * @example
 * const limit = createDeviceRateLimit({ calls: 30, windowMs: 60_000 });
 * if (limit.hit(deviceId) > 0) // answer 429
 */
export function createDeviceRateLimit(options: {
  calls: number;
  windowMs: number;
  maxDevices?: number;
}): DeviceRateLimit {
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
