/**
 * The daemon's timers, all in one place that the daemon owns and stops.
 *
 * Contract: `every(ms, name, fn)` runs `fn` every `ms` ms until `stop()`. A throw or a
 * rejected promise is caught and logged with the job's name, and the job keeps its turn
 * (one bad run never ends a timer, nor the daemon). A job never overlaps itself: a turn
 * that comes while its previous run is still awaiting is skipped. After `stop()` no job
 * runs again and `every` adds none. No module-level state: each daemon has its own.
 */
import type { Log } from '../domain/log.js';

/** Where the scheduler says that a job failed. */
export type SchedulerLog = Pick<Log, 'error'>;

/** One repeating job, as `jobs()` lists it. */
export interface Job {
  readonly name: string;
  readonly ms: number;
}

export class Scheduler {
  readonly #timers = new Map<NodeJS.Timeout, Job>();
  #stopped = false;

  constructor(private readonly log: SchedulerLog) {}

  /** Runs `fn` every `ms` ms under `name` (see the module comment); a no-op once stopped. */
  every(ms: number, name: string, fn: () => void | Promise<void>): void {
    if (this.#stopped) return;
    let busy = false;
    const fail = (e: unknown) => this.log.error({ job: name, err: e instanceof Error ? e.message : String(e) }, `${name} failed; it runs again at its next turn`);
    const timer = setInterval(() => {
      if (busy || this.#stopped) return;
      let out: void | Promise<void>;
      try {
        out = fn();
      } catch (e) {
        fail(e);
        return;
      }
      if (!(out instanceof Promise)) return;
      busy = true;
      out.catch(fail).finally(() => {
        busy = false;
      });
    }, ms);
    this.#timers.set(timer, { name, ms });
  }

  /** The jobs scheduled now, in the order they were added. */
  jobs(): Job[] {
    return [...this.#timers.values()];
  }

  /** Clears every job; idempotent. */
  stop(): void {
    this.#stopped = true;
    for (const t of this.#timers.keys()) clearInterval(t);
    this.#timers.clear();
  }
}
