/**
 * The nftables backend (primary): a table of sipwarden's own, `inet sipwarden`,
 * holding the address ban sets `ban4`/`ban6`, the network ban sets `net4`/`net6`
 * (interval sets: subnet bans), the "seen" sets `seen4`/`seen6` and one input-hook
 * chain at priority -10 (ahead of ordinary filter chains at 0). See nft-script.ts for
 * the exact rules. init() on a table of an older version adds the sets it lacks.
 *
 * Invariants:
 * - Never touches anything outside its table (no `flush ruleset`); close() without
 *   keepBans deletes only that table.
 * - Every target passes guardOps/guardBans/checkAddress before any nft runs.
 * - Each apply() and each reconcile() is ONE nft transaction: all or nothing.
 *   Transactions run one at a time in call order; apply() calls that wait behind a
 *   running one are merged into a single transaction (see queue.ts).
 * - Small address-only transactions (the seen check and ban of banIfSeen, seen(), and
 *   apply() of single addresses) go as one netlink batch straight to the kernel
 *   (nft-netlink.ts; the same element changes applyScript writes, from applyPlan) when
 *   the addon is built; a batch whose answers were lost runs again through nft, and
 *   after 3 lost in a row the fast path is given up. Everything else, and everything
 *   without the addon:
 * - apply(), banIfSeen() and seen() go over one long-lived `nft -i` (nft-session.ts)
 *   when their transaction is under SESSION_MAX_BYTES; bigger ones, reconcile, init,
 *   watch and close start an `nft -f -` of their own. A transaction whose reply the
 *   channel lost runs again in its own process (every apply script may run twice), so
 *   a broken channel costs time, never a ban; after 3 lost replies in a row it is given up.
 * - A timed ban is an element with a timeout (the kernel expires it even if sipwarden
 *   is down); a permanent ban is an element without one.
 * - `held` is what this process last put in the address sets (held.ts: integer keys and
 *   typed arrays, a million bans in tens of MB; rebuilt by every reconcile,
 *   updated only after a transaction committed), with each timed ban's end on the
 *   monotonic clock, as the kernel counts it (a wall-clock jump cannot fool it). It
 *   only decides whether a ban needs the slower delete-then-add form (applyScript):
 *   before the first reconcile every address counts as possibly present, and so does
 *   a held one until 5 s after its kernel timeout, so a wrong guess costs time only.
 *   Network bans are kept apart in `nets` (few; an address-only batch never copies
 *   anything), and `segments` is what was last written into net4/net6 (disjoint
 *   pieces, see nets.ts), kept until 5 s after each one's timeout.
 * - A batch touching a network that overlaps another network banned, written or
 *   touched rewrites that family's net set whole from `nets` (an interval set refuses
 *   overlapping elements, even with a delete earlier in the same transaction). Before
 *   the first reconcile nothing is known: networks are written element by element, and
 *   a batch overlapping a network already in the kernel fails until reconcile repairs it.
 * - reconcile() streams its transaction to nft while checking the bans slice by
 *   slice; if any address fails the guard, a line nft rejects is written before
 *   stdin closes, so nft applies nothing (nft acts only on a complete, valid file).
 */
import { constants as osConstants } from 'node:os';
import { SipwardenError } from '../domain/errors.js';
import { isNetwork, isV6Target, type BanTarget, type Cidr, type IpAddress } from '../domain/ip.js';
import { resolveTool, runTool, runToolStreaming, toolFailure, type Tool } from './exec.js';
import { failedCommand, NftChannelBroken, NftSession } from './nft-session.js';
import { NetlinkChannel, NetlinkLost, openNetlink, type ElementOp, type SetFill } from './nft-netlink.js';
import { type HeldAddresses, mayBeThere } from './held.js';
import { overlapsAnother, segmentNetworks, type NetBan } from './nets.js';
import { applyPlan, applyScript, dropScript, seenGuard, timeoutMs, unseenIndex, ReconcileBuilder, setupScript, type NetRewrite, type NftLayout, type SetPlan } from './nft-script.js';
import { checkFirewallOptions, checkName, checkPorts, samePorts, type CheckedFirewallOptions, type FirewallOptions, type PortSet } from './options.js';
import { TransactionQueue } from './queue.js';
import { checkAddress, guardBans, guardOps } from './guard.js';
import type { SeenProbe } from './seen.js';
import type { BanEntry, Enforcer, EnforcerOp } from './types.js';

export interface NftablesOptions extends FirewallOptions {
  /** The table sipwarden owns (family inet). Default `sipwarden`. */
  readonly table?: string;
  /** Path of the nft binary. Default: found in $PATH or /usr/sbin. */
  readonly nftPath?: string;
  /** Capacity of each seen set. Default 262,144 senders per family. */
  readonly seenSize?: number;
  /** Use the netlink fast path when the addon is built (default true; false: every change through nft). */
  readonly netlink?: boolean;
}

const TABLE_NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** Bans checked (and turned into text) between two hand-overs to nft during a reconcile. */
const SLICE = 1_000;
/** Transactions up to this size go over the long-lived nft; bigger ones (one per many bans) start their own. */
const SESSION_MAX_BYTES = 256 * 1024;
/** After this many lost replies in a row the channel is given up: every transaction starts its own nft. */
const SESSION_MAX_BREAKS = 3;
/**
 * Element changes up to this many go over netlink as one transaction (the addon sizes the
 * socket's receive buffer to their answers, ~2 KB each: 32 MB at most); bigger batches go
 * through nft. A burst of a few thousand bans is then one netlink batch of some 30 ms.
 */
const NETLINK_MAX_OPS = 16_384;
const ENOENT = 2;

/** A banIfSeen request waiting for its transaction. */
interface Guarded {
  readonly ip: IpAddress;
  readonly until: number | null;
  readonly now: number;
  resolve(banned: boolean): void;
  reject(e: Error): void;
}

export class NftablesEnforcer implements Enforcer, SeenProbe {
  readonly name = 'nftables';
  private readonly opts: CheckedFirewallOptions;
  private layout: NftLayout;
  private readonly nftPath: string | undefined;
  private resolved: Tool | null = null;
  /** The long-lived nft for small transactions; started on first use. */
  private session: NftSession | null = null;
  /** Replies the channel lost in a row; at SESSION_MAX_BREAKS it is no longer used. */
  private breaks = 0;
  /** Addresses this process put in the sets -> end of the ban on performance.now()'s clock (null: permanent), in compact storage (held.ts); null until the first reconcile. */
  private held: HeldAddresses | null = null;
  /** Networks this process banned -> end of the ban on the same clock; empty (and unused) until the first reconcile. */
  private nets = new Map<Cidr, number | null>();
  /** The pieces last written into net4/net6 -> their end on the same clock; empty until the first reconcile. */
  private segments = new Map<Cidr, number | null>();
  private lastSweep = 0;
  private readonly queue = new TransactionQueue<EnforcerOp>(async (ops, now) => {
    await this.applyNow(ops, now);
  });
  /** banIfSeen requests waiting for their transaction. */
  private guarded: Guarded[] = [];
  /** The netlink fast path (nft-netlink.ts): undefined until init() tried it, null when unavailable or given up. */
  private netlink: NetlinkChannel | null | undefined = undefined;
  /** Netlink batches lost in a row; at SESSION_MAX_BREAKS the fast path is given up. */
  private netlinkBreaks = 0;

  /** How small address-only transactions reach the kernel now: `netlink` (the addon, after init) or `nft`. */
  get fastPath(): 'netlink' | 'nft' {
    return this.netlink ? 'netlink' : 'nft';
  }

  /** Checks the options (throws a one-line error on a bad one); touches nothing yet. */
  constructor(options: NftablesOptions) {
    this.opts = checkFirewallOptions(options);
    const seenSize = options.seenSize ?? 262_144;
    if (!Number.isInteger(seenSize) || seenSize < 1 || seenSize > 16_777_216) throw new SipwardenError('ENFORCER_FAILED', `invalid firewall option: seenSize must be an integer 1-16777216`);
    this.layout = { table: checkName('table', options.table ?? 'sipwarden', TABLE_NAME), scope: this.opts.scope, ports: this.opts.ports, seenPorts: this.opts.seenPorts, seenTimeoutSeconds: this.opts.seenTimeoutSeconds, seenSize };
    this.nftPath = options.nftPath;
    if (options.netlink === false) this.netlink = null;
  }

  /** Resolves if nft is installed and can list tables here (root, nf_tables present); else throws the one-line error. */
  static async probe(options: Pick<NftablesOptions, 'nftPath' | 'netns'>): Promise<void> {
    const tool = resolveTool('nft', options.nftPath, options.netns);
    const r = await runTool(tool, ['list', 'tables']);
    if (r.code !== 0) throw toolFailure(tool, 'list tables', r);
  }

  /** Creates the table, sets and chain if missing and rewrites the chain's rules; idempotent. */
  async init(): Promise<void> {
    await this.queue.exclusive(async () => {
      try {
        await this.run(setupScript(this.layout), 'create its table');
      } catch (e) {
        // A kernel that cannot update a seen set's definition (timeout/size changed): make them anew.
        if (!(await this.setExists('seen4'))) throw e;
        await this.run(setupScript(this.layout, true), 'create its table');
      }
    });
    if (this.netlink === undefined) {
      const c = openNetlink(this.opts.netns);
      this.netlink = c instanceof NetlinkChannel ? c : null;
      if (!(c instanceof NetlinkChannel)) this.opts.log.info({ backend: this.name, reason: c.unavailable }, 'bans go through nft (no netlink fast path)');
    }
    const { table, scope, ports, seenPorts } = this.layout;
    this.opts.log.info({ backend: this.name, table: `inet ${table}`, scope, ports: scope === 'sip' ? ports : 'all', seenPorts, fastPath: this.netlink ? 'netlink' : 'nft -i' }, 'nftables firewall ready');
  }

  /** Rewrites the chain's rules for new watched ports (seen, and drop under scope `sip`); the sets keep their elements. */
  async watch(ports: PortSet): Promise<void> {
    const checked = checkPorts('watched ports', ports);
    if (samePorts(checked, this.layout.seenPorts) && samePorts(checked, this.layout.ports)) return;
    const next = { ...this.layout, ports: checked, seenPorts: checked };
    await this.queue.exclusive(() => this.run(setupScript(next), 'watch new ports'));
    this.layout = next;
    this.opts.log.info({ backend: this.name, seenPorts: checked, ports: this.layout.scope === 'sip' ? checked : 'all' }, 'firewall watches new ports');
  }

  /** The ports whose senders the seen sets record now. */
  watched(): PortSet {
    return this.layout.seenPorts;
  }

  /** Applies bans and unbans in one transaction; an unban of an absent address is not an error. */
  async apply(ops: readonly EnforcerOp[], now: number): Promise<void> {
    const safe = guardOps(ops, this.opts.zoneOf, (ip) => this.opts.log.warn({ ip }, 'refused to ban a protected address or network'));
    if (safe.length === 0) return;
    await this.queue.ops(safe, now);
  }

  /** Makes the ban sets hold exactly the active `bans` (and the chain its rules) in one transaction. */
  async reconcile(bans: readonly BanEntry[], now: number): Promise<void> {
    const started = Date.now();
    const refused = (ip: BanTarget) => this.opts.log.warn({ ip }, 'refused to restore a ban on a protected address or network');
    const counts = await this.queue.exclusive(async () => {
      // With the netlink path, nft writes the table, chain and network sets, and the address
      // sets (nearly all of a big reconcile) are filled in a netlink transaction of their own
      // right after: ~3 s for a million bans where nft alone takes ~13 s. Each is atomic, and
      // the address sets hold their old contents until theirs commits: never empty.
      const apart = this.netlink instanceof NetlinkChannel;
      let builder = await this.reconcileScript(bans, now, apart, refused);
      // A lost answer: the whole restore again through nft alone (one transaction, as without netlink).
      if (apart && !this.fillAddressSets(builder.held, now)) builder = await this.reconcileScript(bans, now, false, refused);
      const counts = builder.counts();
      const toMonotonic = performance.now() - now;
      // The builder's addresses become `held` in place (a million entries: no second table to build).
      builder.held.shift(toMonotonic);
      const nets = new Map<Cidr, number | null>();
      for (const [net, until] of builder.nets) nets.set(net, until === null ? null : until + toMonotonic);
      this.held = builder.held;
      this.nets = nets;
      this.segments = new Map(builder.segments.map((p) => [p.net, p.until === null ? null : p.until + toMonotonic]));
      return counts;
    });
    this.opts.log.info({ backend: this.name, ...counts, ms: Date.now() - started }, 'firewall holds the stored bans');
  }

  /** Streams the reconcile transaction to `nft -f -` (the address sets left out with `apart`); its builder holds what it enforces. */
  private async reconcileScript(bans: readonly BanEntry[], now: number, apart: boolean, refused: (ip: BanTarget) => void): Promise<ReconcileBuilder> {
    const builder = new ReconcileBuilder(this.layout, now, apart);
    const tool = this.tool();
    const r = await runToolStreaming(
      tool,
      ['-f', '-'],
      async (write) => {
        await write(builder.head());
        for (let i = 0; i < bans.length; i += SLICE) await write(builder.add(guardBans(bans.slice(i, i + SLICE), this.opts.zoneOf, refused)));
        await write(builder.tail());
      },
      'sipwarden-abort: a ban was refused, apply nothing',
    );
    if (r.code !== 0) throw toolFailure(tool, 'restore the bans', r);
    return builder;
  }

  /**
   * Makes ban4/ban6 hold exactly the addresses of `held` (checked by the guard already)
   * in one netlink transaction: true when committed, false when its answer was lost (the
   * caller runs the restore through nft); a refusal throws.
   */
  private fillAddressSets(held: HeldAddresses, now: number): boolean {
    const timeoutOf = (until: number | null) => (until === null ? Number.NaN : timeoutMs(until, now));
    const v4 = held.keys(false, timeoutOf);
    const v6 = held.keys(true, timeoutOf);
    const channel = this.netlink as NetlinkChannel;
    const fills: SetFill[] = [{ set: 'ban4', keyLen: 4, ...v4 }, { set: 'ban6', keyLen: 16, ...v6 }];
    let r: ReturnType<NetlinkChannel['fill']>;
    try {
      r = channel.fill(this.layout.table, fills, 60_000 + held.size / 10);
    } catch (e) {
      if (!(e instanceof NetlinkLost)) throw e;
      this.opts.log.warn({ backend: this.name, err: e.message }, 'the netlink fast path lost the answer to the restore: it runs again through nft');
      return false;
    }
    if (r === null) return true;
    const errno = r.errnos.find((e) => e !== 0) ?? r.batchErrno;
    throw new SipwardenError('ENFORCER_FAILED', `nftables could not restore the bans: the kernel refused the address sets (${errnoName(errno)})`);
  }

  /** True if `ip` sent a packet to one of the seen ports within the seen timeout (the kernel's memory). */
  async seen(ip: IpAddress): Promise<boolean> {
    const addr = checkAddress(ip);
    return (await this.transact('', `look up ${addr} in the seen set`, [addr], [], 0)) === null;
  }

  /**
   * Bans `ip` in the transaction that checks it was seen: false, with nothing changed,
   * if it never sent a packet. Requests waiting behind a running transaction go into one
   * transaction together; an address found unseen is answered false and the rest tried
   * again without it. A protected address is refused and logged as by apply(), and
   * counts as done (true).
   */
  async banIfSeen(ip: IpAddress, until: number | null, now: number): Promise<boolean> {
    const safe = guardOps([{ op: 'ban', ip: checkAddress(ip), until }], this.opts.zoneOf, (t) => this.opts.log.warn({ ip: t }, 'refused to ban a protected address or network'));
    if (safe.length === 0) return true;
    return new Promise<boolean>((resolve, reject) => {
      this.guarded.push({ ip, until, now, resolve, reject });
      if (this.guarded.length === 1) void this.queue.exclusive(() => this.applyGuarded()).catch(() => undefined);
    });
  }

  /** Applies every waiting banIfSeen request, in as few transactions as unseen addresses allow. */
  private async applyGuarded(): Promise<void> {
    let batch = this.guarded;
    this.guarded = [];
    while (batch.length > 0) {
      const ips = batch.map((g) => g.ip);
      const ops: EnforcerOp[] = batch.map((g) => ({ op: 'ban', ip: g.ip, until: g.until }));
      const now = Math.max(...batch.map((g) => g.now));
      try {
        const unseen = await this.applyNow(ops, now, ips);
        if (unseen === null) {
          for (const g of batch) g.resolve(true);
          return;
        }
        (batch[unseen] as Guarded).resolve(false);
        batch = batch.filter((_, i) => i !== unseen);
      } catch (e) {
        for (const g of batch) g.reject(e as Error);
        return;
      }
    }
  }

  /** With keepBans the kernel keeps enforcing (timed bans still expire); otherwise the table is deleted. */
  async close(opts: { keepBans: boolean }): Promise<void> {
    if (opts.keepBans) {
      await this.queue.exclusive(() => this.endSession());
      this.opts.log.info({ backend: this.name, table: `inet ${this.layout.table}` }, 'bans stay in the kernel after stop');
      return;
    }
    await this.queue.exclusive(async () => {
      await this.endSession();
      await this.run(dropScript(this.layout.table), 'delete its table');
      this.held = null;
      this.nets.clear();
      this.segments.clear();
    });
  }

  /**
   * One apply transaction; afterwards `held`, `nets` and `segments` reflect it. With
   * `ifSeen`, the transaction first checks that each of those addresses is in its seen
   * set; if one is not, nothing changes and its index is returned. Null: applied.
   */
  private async applyNow(ops: readonly EnforcerOp[], now: number, ifSeen?: readonly IpAddress[]): Promise<number | null> {
    const held = this.held;
    const mono = performance.now();
    const mayHold = (t: BanTarget) => held === null || mayBeThere(isNetwork(t) ? this.segments.get(t) : held.get(t), mono);
    const endOf = (op: EnforcerOp) => (op.op === 'ban' && (op.until === null || op.until > now) ? (op.until === null ? null : mono + (op.until - now)) : undefined);
    const netOps = ops.filter((op) => isNetwork(op.ip));
    let netsAfter: Map<Cidr, number | null> | null = null;
    if (held !== null && netOps.length > 0) {
      netsAfter = new Map(this.nets);
      for (const op of netOps) {
        const end = endOf(op);
        if (end === undefined) netsAfter.delete(op.ip as Cidr);
        else netsAfter.set(op.ip as Cidr, end);
      }
    }
    const rewrite = netsAfter === null ? {} : this.netRewrite(netOps, netsAfter, now, mono);
    const plan = applyPlan(ops, now, mayHold, rewrite);
    const unseen = await this.transact(() => applyScript(this.layout.table, ops, now, mayHold, rewrite), 'apply bans', ifSeen, plan, now);
    if (unseen !== null) return unseen;
    if (held === null) return null;
    for (const op of ops) {
      const t = op.ip;
      if (isNetwork(t)) continue;
      const end = endOf(op);
      if (end === undefined) held.delete(t);
      else held.set(t, end);
    }
    if (netsAfter !== null) this.recordNets(netOps, netsAfter, rewrite, now, mono);
    if (mono - this.lastSweep > 600_000) {
      this.lastSweep = mono;
      held.sweep((end) => mayBeThere(end, mono));
      for (const map of [this.nets, this.segments]) {
        for (const [t, end] of map) if (!mayBeThere(end, mono)) map.delete(t);
      }
    }
    return null;
  }

  /**
   * Runs one transaction, behind the seen checks of `seenIps` if any: the index of an
   * address never seen (nothing applied), or null when committed; throws nft's error.
   * Small ones go over the session; a lost reply runs again in an nft of its own.
   */
  private async transact(script: string | (() => string), what: string, seenIps: readonly IpAddress[] = [], plan?: readonly SetPlan[], now = 0): Promise<number | null> {
    const fast = plan === undefined ? null : this.netlinkOps(seenIps, plan, now);
    if (fast !== null) {
      const r = this.viaNetlink(fast, seenIps.length, what);
      if (r !== 'lost') return r;
    }
    const full = seenGuard(this.layout.table, seenIps) + (typeof script === 'string' ? script : script());
    if (full.length === 0) return null;
    const tool = this.tool();
    if (full.length <= SESSION_MAX_BYTES && this.breaks < SESSION_MAX_BREAKS) {
      const commands = full.split('\n').filter((l) => l.length > 0);
      try {
        this.session ??= new NftSession(tool);
        const reply = await this.session.request(commands);
        this.breaks = 0;
        if (reply.ok) return null;
        const k = /^Error: Could not process rule: No such file or directory$/m.test(reply.stderr) ? failedCommand(reply.stderr, commands) : null;
        if (k !== null && k % 2 === 0 && k < 2 * seenIps.length) return k / 2;
        throw toolFailure(tool, what, { code: 1, stdout: '', stderr: reply.stderr });
      } catch (e) {
        if (!(e instanceof NftChannelBroken)) throw e;
        this.breaks++;
        const giveUp = this.breaks >= SESSION_MAX_BREAKS;
        if (giveUp) void this.endSession();
        this.opts.log.warn({ backend: this.name, err: e.message, inARow: this.breaks },
          giveUp ? 'the nft channel lost replies too often: every transaction now runs in an nft of its own (slower bans) until sipwarden restarts' : 'the nft channel lost a reply: the transaction runs again in an nft of its own; the next one starts a new channel');
      }
    }
    const r = await runTool(tool, ['-f', '-'], full);
    if (r.code === 0) return null;
    const unseen = seenIps.length > 0 ? unseenIndex(r.stderr, seenIps.length) : null;
    if (unseen !== null) return unseen;
    throw toolFailure(tool, what, r);
  }

  /**
   * The transaction as netlink element changes, or null when it must go through nft
   * (no fast path, networks, a set rewritten whole, or too big): the seen checks first
   * (delete + add of each address in its seen set: an absent one aborts the batch
   * with ENOENT at its delete), then each set's plan as applyScript writes it.
   */
  private netlinkOps(seenIps: readonly IpAddress[], plan: readonly SetPlan[], now: number): ElementOp[] | null {
    if (!this.netlink) return null;
    const out: ElementOp[] = [];
    for (const ip of seenIps) {
      const set = isV6Target(ip) ? 'seen6' : 'seen4';
      out.push({ op: 'delete', set, ip }, { op: 'add', set, ip });
    }
    for (const p of plan) {
      if (p.rewrite !== undefined || p.set === 'net4' || p.set === 'net6') return null;
      for (const t of p.touched) out.push({ op: 'add', set: p.set, ip: t as IpAddress });
      for (const t of p.touched) out.push({ op: 'delete', set: p.set, ip: t as IpAddress });
      for (const b of p.banned) {
        out.push({ op: 'add', set: p.set, ip: b.target as IpAddress, timeoutMs: b.until === null ? null : timeoutMs(b.until, now) });
      }
    }
    return out.length > 0 && out.length <= NETLINK_MAX_OPS ? out : null;
  }

  /** Runs element changes over netlink: null (committed), the index of an unseen address, or 'lost' (run it through nft); throws the kernel's refusal. */
  private viaNetlink(ops: readonly ElementOp[], seenCount: number, what: string): number | null | 'lost' {
    const channel = this.netlink as NetlinkChannel;
    let r: ReturnType<NetlinkChannel['transact']>;
    try {
      r = channel.transact(this.layout.table, ops);
    } catch (e) {
      if (!(e instanceof NetlinkLost)) throw e;
      this.netlinkBreaks++;
      const giveUp = this.netlinkBreaks >= SESSION_MAX_BREAKS;
      if (giveUp) {
        this.netlink = null;
        channel.close();
      }
      this.opts.log.warn({ backend: this.name, err: e.message, inARow: this.netlinkBreaks },
        giveUp ? 'the netlink fast path lost answers too often: bans go through nft until sipwarden restarts' : 'the netlink fast path lost an answer: the transaction runs again through nft');
      return 'lost';
    }
    this.netlinkBreaks = 0;
    if (r === null) return null;
    // Unseen: the seen delete found nothing while the add beside it was fine (a missing table fails both).
    for (let i = 0; i < seenCount; i++) if (r.errnos[2 * i] === ENOENT && r.errnos[2 * i + 1] === 0) return i;
    const k = r.errnos.findIndex((e) => e !== 0);
    const errno = k < 0 ? r.batchErrno : (r.errnos[k] as number);
    const op = k < 0 ? 'the batch' : `${(ops[k] as ElementOp).op} element ${(ops[k] as ElementOp).set} { ${(ops[k] as ElementOp).ip} }`;
    throw new SipwardenError('ENFORCER_FAILED', `nftables could not ${what}: the kernel refused ${op} (${errnoName(errno)}) — check that the table inet ${this.layout.table} exists (sipwarden restart recreates it)`);
  }

  private async endSession(): Promise<void> {
    if (this.netlink) {
      this.netlink.close();
      this.netlink = undefined;
    }
    const s = this.session;
    this.session = null;
    await s?.close();
  }

  /**
   * The net sets this batch must rewrite whole: a family where a touched network
   * overlaps another network that is (or may still be) written, stays banned, or is
   * touched too. Their new contents: the disjoint pieces of the live network bans.
   */
  private netRewrite(netOps: readonly EnforcerOp[], netsAfter: ReadonlyMap<Cidr, number | null>, now: number, mono: number): NetRewrite {
    const touched = new Set(netOps.map((op) => op.ip as Cidr));
    const others = new Set<Cidr>([...touched, ...netsAfter.keys()]);
    for (const [net, end] of this.segments) if (mayBeThere(end, mono)) others.add(net);
    const out: { net4?: NetBan[]; net6?: NetBan[] } = {};
    for (const v6 of [false, true]) {
      if (![...touched].some((net) => isV6Target(net) === v6 && overlapsAnother(net, others))) continue;
      const live: NetBan[] = [];
      for (const [net, end] of netsAfter) {
        if (isV6Target(net) !== v6 || (end !== null && end <= mono)) continue;
        live.push({ net, until: end === null ? null : now + (end - mono) });
      }
      out[v6 ? 'net6' : 'net4'] = segmentNetworks(live);
    }
    return out;
  }

  /** After a committed batch with networks: `nets` becomes `netsAfter`; `segments` follows what was written. */
  private recordNets(netOps: readonly EnforcerOp[], netsAfter: Map<Cidr, number | null>, rewrite: NetRewrite, now: number, mono: number): void {
    this.nets = netsAfter;
    for (const op of netOps) {
      const net = op.ip as Cidr;
      if ((isV6Target(net) ? rewrite.net6 : rewrite.net4) !== undefined) continue;
      const end = netsAfter.get(net);
      if (end === undefined) this.segments.delete(net);
      else this.segments.set(net, end);
    }
    for (const [v6, pieces] of [[false, rewrite.net4], [true, rewrite.net6]] as const) {
      if (pieces === undefined) continue;
      for (const net of [...this.segments.keys()]) if (isV6Target(net) === v6) this.segments.delete(net);
      for (const p of pieces) this.segments.set(p.net, p.until === null ? null : mono + (p.until - now));
    }
  }

  private async setExists(set: string): Promise<boolean> {
    const r = await runTool(this.tool(), ['list', 'set', 'inet', this.layout.table, set]);
    return r.code === 0;
  }

  private async run(script: string, what: string): Promise<void> {
    if (script.length === 0) return;
    const tool = this.tool();
    const r = await runTool(tool, ['-f', '-'], script);
    if (r.code !== 0) throw toolFailure(tool, what, r);
  }

  private tool(): Tool {
    this.resolved ??= resolveTool('nft', this.nftPath, this.opts.netns);
    return this.resolved;
  }
}

/** `ENOENT (2)` for errno 2. */
function errnoName(n: number): string {
  const name = Object.entries(osConstants.errno).find(([, v]) => v === n)?.[0];
  return name ? `${name} (${n})` : `errno ${n}`;
}
