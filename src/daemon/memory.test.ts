import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { fullCollector, mallocTrimmer, MemorySettler, TRIM_ADDON_PATH } from './memory.js';

const MB = 1024 * 1024;

/** A settler over a fake memory size and clock: `state` is what it reads. */
function fake(growth = 32 * MB) {
  const state = { events: 0, held: 100 * MB, now: 0, collected: 0, trimmedAfter: [] as number[] };
  const settler = new MemorySettler({
    activity: () => state.events, size: () => state.held, now: () => state.now, growth, quietMs: 3000,
    collect: () => { state.collected++; state.held = 110 * MB; },
    trim: () => { state.trimmedAfter.push(state.collected); },
  });
  return { state, settler };
}

describe('MemorySettler: one full collection after a burst, once quiet', () => {
  it('never while events come in; once after 3 s without one; not again until memory has grown again', () => {
    const { state, settler } = fake();
    for (let s = 1; s <= 10; s++) {
      state.now = s * 1000;
      state.events += 5000;
      state.held += 20 * MB;
      expect(settler.tick()).toBe(false);
    }
    state.now = 12_000;
    expect(settler.tick()).toBe(false); // quiet for 2 s only
    state.now = 13_000;
    expect(settler.tick()).toBe(true);
    expect(state.collected).toBe(1);
    for (let s = 14; s < 30; s++) {
      state.now = s * 1000;
      expect(settler.tick()).toBe(false); // 110 MB is the new base
    }
    state.held = 150 * MB; // grown by 40 MB since, with no event (another part of the daemon)
    state.now = 31_000;
    expect(settler.tick()).toBe(true);
    expect(state.collected).toBe(2);
    // The allocator was trimmed right after each collection, and at no other tick.
    expect(state.trimmedAfter).toEqual([1, 2]);
  });

  it('a small growth is left to V8', () => {
    const { state, settler } = fake();
    state.held += 31 * MB;
    state.now = 60_000;
    expect(settler.tick()).toBe(false);
    expect(state.collected).toBe(0);
    expect(state.trimmedAfter).toEqual([]);
  });

  it('malloc_trim: the addon scripts/build-native makes is loaded and runs; a missing one is no trimmer', () => {
    const trim = mallocTrimmer();
    expect(trim, `${TRIM_ADDON_PATH} (built by scripts/build-native, which npm test runs first)`).toBeTypeOf('function');
    expect(() => (trim as () => void)()).not.toThrow();
    expect(mallocTrimmer('/nonexistent/memtrim.node')).toBeNull();
  });

  it('without a collector it does nothing', () => {
    const state = { held: 0 };
    const settler = new MemorySettler({ activity: () => 0, size: () => state.held, collect: null, now: () => 1e9 });
    state.held = 500 * MB;
    expect(settler.tick()).toBe(false);
  });

  it("V8's own collector frees old-generation garbage when asked", () => {
    const collect = fullCollector();
    expect(collect).toBeTypeOf('function');
    let keep: Array<{ n: number; s: string }> | null = [];
    for (let i = 0; i < 300_000; i++) keep.push({ n: i, s: `address-${i}` });
    (collect as () => void)(); // promoted to the old generation, as a flood's state is
    const withGarbage = v8.getHeapStatistics().used_heap_size;
    expect(keep.length).toBe(300_000);
    keep = null;
    (collect as () => void)();
    expect(v8.getHeapStatistics().used_heap_size).toBeLessThan(withGarbage - 10 * MB);
  });
});
