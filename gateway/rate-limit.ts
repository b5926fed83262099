/**
 * Per-user fixed-window request limit, in memory. The gateway runs as one instance today;
 * several instances would share a store (Redis) instead. Returns null when allowed, else the
 * seconds until the window resets.
 */
export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  take(userId: string): number | null {
    const now = this.now();
    const w = this.windows.get(userId);
    if (!w || now - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.windows.clear();
      this.windows.set(userId, { start: now, count: 1 });
      return null;
    }
    w.count += 1;
    return w.count > this.perMinute ? Math.ceil((w.start + 60_000 - now) / 1000) : null;
  }
}
