/**
 * The simulator's registrar bindings (res_pjsip_registrar): each account's contacts with
 * the address their REGISTER came from, kept in the AstDB family `registrar/contact`
 * under res_pjsip's contact ids, as Asterisk keeps them — so the AMI's
 * `PJSIPShowContacts` lists them and a `DBDel` of one removes the registration. The
 * simulator's `stats.registrations` (account → contacts) follows every change.
 * Invariant: bounded (10,000 contacts; more are not kept).
 */
import { contactId, type SimContact } from './ami-actions.js';
import type { AstDb } from './astdb.js';

const FAMILY = 'registrar/contact';
const MAX = 10_000;

export class Registrar {
  private readonly contacts = new Map<string, SimContact>();

  constructor(private readonly db: AstDb, private readonly view: Map<string, { contacts: readonly string[]; expiresAt: number }>) {}

  /** A REGISTER of `account` from `source` set its contacts (none, or `expires` 0: every one removed). */
  update(account: string, uris: readonly string[], expires: number, source: { ip: string; port: number }, now: number): void {
    for (const [id, c] of this.contacts) if (c.account === account) this.remove(id);
    if (expires === 0) return;
    for (const uri of uris) {
      if (this.contacts.size >= MAX) break;
      const c: SimContact = { account, uri, source: { ip: source.ip, port: source.port }, expiresAt: now + expires * 1000 };
      const id = contactId(c);
      this.contacts.set(id, c);
      this.db.put(FAMILY, id, JSON.stringify({ uri, via_addr: source.ip, via_port: source.port, expiration_time: Math.floor(c.expiresAt / 1000) }));
    }
    this.sync(account);
  }

  /** The contacts not expired at `now`. */
  list(now: number): SimContact[] {
    return [...this.contacts.values()].filter((c) => c.expiresAt > now);
  }

  /** Removes contact `id` (its AstDB key was deleted, or it is replaced). */
  remove(id: string): boolean {
    const c = this.contacts.get(id);
    if (!c) return false;
    this.contacts.delete(id);
    this.db.del(FAMILY, id);
    this.sync(c.account);
    return true;
  }

  /** Whether `account` has a contact now. */
  has(account: string): boolean {
    return this.view.has(account);
  }

  private sync(account: string): void {
    const mine = [...this.contacts.values()].filter((c) => c.account === account);
    if (mine.length === 0) this.view.delete(account);
    else this.view.set(account, { contacts: mine.map((c) => c.uri), expiresAt: Math.max(...mine.map((c) => c.expiresAt)) });
  }
}
