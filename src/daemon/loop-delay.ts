/**
 * How long the daemon's event loop was held up: everything the daemon does besides
 * reading its logs (timers, the systemd watchdog's ping, firewall answers, the API)
 * waits that long. Reported on `/metrics` so an admin can see a daemon that falls
 * behind before the watchdog restarts it (WatchdogSec=60s).
 *
 * Contract: `read()` gives the longest delay and the 99th percentile over the current
 * window and the one before it (so 1–2 windows, `roll()` ending each, once a minute);
 * 0 before anything was measured. `stop()` ends the measuring.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface LoopDelay {
  /** Longest delay, ms. */
  readonly maxMs: number;
  /** 99th percentile of the delays sampled, ms. */
  readonly p99Ms: number;
}

const NONE: LoopDelay = { maxMs: 0, p99Ms: 0 };

export class LoopDelayMonitor {
  private readonly histogram: IntervalHistogram;
  private previous: LoopDelay = NONE;

  /** `resolutionMs`: how often the loop is sampled (a delay shorter than that is not seen). */
  constructor(resolutionMs = 20) {
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs });
    this.histogram.enable();
  }

  read(): LoopDelay {
    const now = this.current();
    return { maxMs: Math.max(now.maxMs, this.previous.maxMs), p99Ms: Math.max(now.p99Ms, this.previous.p99Ms) };
  }

  /** Ends the current window. */
  roll(): void {
    this.previous = this.current();
    this.histogram.reset();
  }

  stop(): void {
    this.histogram.disable();
  }

  private current(): LoopDelay {
    const h = this.histogram;
    // A histogram with no sample yet reports max 0 and min 9.2e18.
    if (h.count === 0) return NONE;
    return { maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
  }
}
