import { describe, expect, it } from 'vitest';
import { TransactionQueue } from './queue.js';

describe('transaction queue', () => {
  it('runs one transaction at a time and merges ops that wait behind a running one', async () => {
    const runs: string[][] = [];
    let release: () => void = () => undefined;
    const q = new TransactionQueue<string>(async (ops) => {
      runs.push([...ops]);
      if (runs.length === 1) await new Promise<void>((r) => (release = r));
    });
    const first = q.ops(['a'], 1);
    await Promise.resolve();
    const waiting = [q.ops(['b'], 2), q.ops(['c', 'd'], 3)];
    await new Promise((r) => setTimeout(r, 10));
    expect(runs).toEqual([['a']]);
    release();
    await Promise.all([first, ...waiting]);
    expect(runs).toEqual([['a'], ['b', 'c', 'd']]);
  });

  it('an exclusive job closes the waiting batch: ops after it run after it', async () => {
    const order: string[] = [];
    const q = new TransactionQueue<string>(async (ops) => void order.push(ops.join('+')));
    const p1 = q.ops(['ban1'], 1);
    const p2 = q.exclusive(async () => void order.push('reconcile'));
    const p3 = q.ops(['ban2'], 2);
    await Promise.all([p1, p2, p3]);
    expect(order).toEqual(['ban1', 'reconcile', 'ban2']);
  });

  it('a failed transaction rejects every apply merged into it, and later ones still run', async () => {
    let fail = true;
    const q = new TransactionQueue<string>(async () => {
      if (fail) throw new Error('nft said no');
    });
    const a = q.ops(['x'], 1);
    const b = q.ops(['y'], 1);
    await expect(a).rejects.toThrow('nft said no');
    await expect(b).rejects.toThrow('nft said no');
    fail = false;
    await expect(q.ops(['z'], 1)).resolves.toBeUndefined();
  });
});
