/**
 * The daemon's parts stopped in the reverse order of their start (a stack, like Go's
 * `defer`): each start step that brought a part up pushes how to stop it.
 *
 * Invariants: `unwind()` runs each pushed stop once, last pushed first; a stop that
 * throws is logged and the others still run; a second `unwind()` returns the first's
 * promise; nothing can be pushed once unwinding began (a start step that finishes late
 * is refused, so it cannot outlive the stop).
 */
import type { Log } from '../domain/log.js';

export type LifecycleLog = Pick<Log, 'info' | 'error'>;

export class StopStack {
  readonly #stops: Array<{ readonly name: string; readonly stop: () => void | Promise<void> }> = [];
  #unwinding: Promise<void> | null = null;

  constructor(private readonly log: LifecycleLog) {}

  /** Registers how to stop `name`, which has just started. Throws once unwinding began. */
  push(name: string, stop: () => void | Promise<void>): void {
    if (this.#unwinding) throw new Error(`${name} started while the daemon was stopping`);
    this.#stops.push({ name, stop });
  }

  /** The parts started and not yet stopped, in start order. */
  names(): string[] {
    return this.#stops.map((s) => s.name);
  }

  /** Stops every registered part, last first; see the invariants at the top. */
  unwind(): Promise<void> {
    this.#unwinding ??= this.#run();
    return this.#unwinding;
  }

  async #run(): Promise<void> {
    for (let s = this.#stops.pop(); s; s = this.#stops.pop()) {
      try {
        await s.stop();
      } catch (e) {
        this.log.error({ part: s.name, err: (e as Error).message }, `cannot stop the ${s.name} cleanly; stopping the rest`);
      }
    }
  }
}
