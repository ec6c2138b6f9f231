/**
 * The simulator's AstDB: Asterisk's key/value store (`database put/get/del`, AMI
 * `DBPut`/`DBGet`/`DBDel`, the dial plan's `DB_EXISTS()`), by family and key. In memory:
 * what the toll-fraud guard's suspension (`sipwarden/suspended/<account>`) needs, and
 * the `registrar/contact` family PJSIP keeps its contacts in (see index.ts).
 * Invariant: bounded (10,000 keys; a put beyond that is refused).
 */

const MAX_KEYS = 10_000;

export class AstDb {
  private readonly families = new Map<string, Map<string, string>>();
  private keys = 0;

  /** Sets `family/key` to `val`; false when full. */
  put(family: string, key: string, val: string): boolean {
    let f = this.families.get(family);
    if (!f) {
      f = new Map();
      this.families.set(family, f);
    }
    if (!f.has(key)) {
      if (this.keys >= MAX_KEYS) return false;
      this.keys++;
    }
    f.set(key, val);
    return true;
  }

  get(family: string, key: string): string | undefined {
    return this.families.get(family)?.get(key);
  }

  /** Deletes `family/key`; false when it was not there. */
  del(family: string, key: string): boolean {
    const f = this.families.get(family);
    if (!f?.delete(key)) return false;
    this.keys--;
    if (f.size === 0) this.families.delete(family);
    return true;
  }

  /** `DB_EXISTS(family/key)`. */
  exists(family: string, key: string): boolean {
    return this.get(family, key) !== undefined;
  }

  /** Every key of a family (for tests and `stats`). */
  entries(family: string): Array<[string, string]> {
    return [...(this.families.get(family) ?? [])];
  }
}
