// @ts-check
/**
 * A binary min-heap of `{t, …}` items ordered by `t`, ties by insertion order
 * (so lines scheduled for the same moment come out in the order they were made).
 * @template {{ t: number }} T
 */
export class MinHeap {
  constructor() {
    /** @type {Array<T & { seq: number }>} */
    this.items = [];
    this.seq = 0;
  }

  get size() {
    return this.items.length;
  }

  /** @param {T & { seq: number }} a  @param {T & { seq: number }} b */
  #less(a, b) {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }

  /** @param {T} item */
  push(item) {
    const h = this.items;
    h.push(Object.assign(item, { seq: this.seq++ }));
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  /** @returns {T | undefined} */
  peek() {
    return this.items[0];
  }

  /** @returns {T | undefined} */
  pop() {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (last !== undefined && h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.#less(h[l], h[m])) m = l;
        if (r < h.length && this.#less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
