import { RateLimiter } from '../../gateway/rate-limit';

describe('RateLimiter', () => {
  it('allows the quota per user per minute, then answers the seconds until the window resets', () => {
    let now = 1_000_000;
    const limiter = new RateLimiter(3, () => now);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, null]);
    now += 15_000;
    expect(limiter.take('a')).toBe(45);
    expect(limiter.take('b')).toBeNull();
    now += 45_000;
    expect(limiter.take('a')).toBeNull();
  });
});
