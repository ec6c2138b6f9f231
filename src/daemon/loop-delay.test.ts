import { describe, expect, it } from 'vitest';
import { LoopDelayMonitor } from './loop-delay.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

describe('LoopDelayMonitor: how long the event loop was held up', () => {
  it('sees a stall, keeps it for the window after, and forgets it in the next', async () => {
    const m = new LoopDelayMonitor(10);
    try {
      expect(m.read()).toEqual({ maxMs: 0, p99Ms: 0 }); // nothing sampled yet
      await sleep(50);
      busy(150); // the loop held up, as by a long read
      await sleep(50);
      const stalled = m.read();
      expect(stalled.maxMs).toBeGreaterThanOrEqual(120);
      expect(stalled.p99Ms).toBeGreaterThan(0);
      expect(stalled.p99Ms).toBeLessThanOrEqual(stalled.maxMs);
      m.roll();
      expect(m.read().maxMs).toBeGreaterThanOrEqual(120); // the window before still counts
      await sleep(50);
      m.roll();
      await sleep(50);
      expect(m.read().maxMs).toBeLessThan(120);
    } finally {
      m.stop();
    }
  });
});
