/**
 * The ipset + iptables backend, for hosts still on iptables: `hash:ip` sets with
 * per-element timeouts for addresses (`sipwarden4`, `sipwarden6`), `hash:net` sets
 * for networks (`sipwarden-net4`, `sipwarden-net6`: subnet bans), seen sets filled by
 * the kernel (`sipwarden-seen4/6`, via the SET target), and a chain of its own
 * (`SIPWARDEN`) jumped to from the top of filter INPUT, for IPv4 and IPv6. init() on
 * an older version's install creates the sets it lacks and rewrites the chain.
 *
 * Invariants:
 * - Touches only its own sets, its own chain and one jump rule in INPUT.
 * - Every target passes guardOps/guardBans/checkAddress before any tool runs.
 * - apply() is one `ipset restore -exist` run. ipset has no transactions: the batch is
 *   applied in order, and only a failure of the tool itself (not a missing or present
 *   element) can stop it half-way; the next reconcile repairs that.
 * - reconcile() fills temporary sets and swaps each with its live set: every packet
 *   sees either the old or the new complete set (per set).
 * - Transactions run one at a time in call order (see queue.ts).
 */
import { SipwardenError } from '../domain/errors.js';
import type { BanTarget, IpAddress } from '../domain/ip.js';
import { resolveTool, runTool, toolFailure, type Tool } from './exec.js';
import { checkAddress, guardBans, guardOps } from './guard.js';
import { ipsetApplyScript, ipsetReconcileScript, ipsetSetupScript, iptablesScript, setNames, type Family, type IpsetLayout } from './ipset-script.js';
import { checkFirewallOptions, checkName, checkPorts, samePorts, type CheckedFirewallOptions, type FirewallOptions, type PortSet } from './options.js';
import { TransactionQueue } from './queue.js';
import type { SeenProbe } from './seen.js';
import type { BanEntry, Enforcer, EnforcerOp } from './types.js';

export interface IpsetOptions extends FirewallOptions {
  /** Set names start with this. Default `sipwarden`. */
  readonly setPrefix?: string;
  /** The iptables/ip6tables chain of its own. Default `SIPWARDEN`. */
  readonly chain?: string;
  /** Folder holding ipset, iptables, ip6tables and their -restore tools. Default: $PATH and /usr/sbin. */
  readonly binDir?: string;
  /** maxelem of each ban set. Default 4,194,304. */
  readonly maxElements?: number;
  /** maxelem of each seen set. Default 262,144. */
  readonly seenSize?: number;
}

const TOOLS = ['ipset', 'iptables', 'ip6tables', 'iptables-restore', 'ip6tables-restore'] as const;
type ToolName = (typeof TOOLS)[number];

export class IpsetEnforcer implements Enforcer, SeenProbe {
  readonly name = 'ipset';
  private readonly opts: CheckedFirewallOptions;
  private layout: IpsetLayout;
  private readonly binDir: string | undefined;
  private resolved: Record<ToolName, Tool> | null = null;
  private readonly queue = new TransactionQueue<EnforcerOp>((ops, now) => this.ipsetRestore(ipsetApplyScript(this.layout, ops, now), 'apply bans'));

  /** Checks the options (throws a one-line error on a bad one); touches nothing yet. */
  constructor(options: IpsetOptions) {
    this.opts = checkFirewallOptions(options);
    const count = (what: string, v: number) => {
      if (!Number.isInteger(v) || v < 1 || v > 2 ** 28) throw new SipwardenError('ENFORCER_FAILED', `invalid firewall option: ${what} must be an integer 1-${2 ** 28}`);
      return v;
    };
    this.layout = {
      prefix: checkName('setPrefix', options.setPrefix ?? 'sipwarden', /^[a-z][a-z0-9_]{0,19}$/),
      chain: checkName('chain', options.chain ?? 'SIPWARDEN', /^[A-Z][A-Z0-9_]{0,27}$/),
      scope: this.opts.scope,
      ports: this.opts.ports,
      seenPorts: this.opts.seenPorts,
      seenTimeoutSeconds: Math.min(this.opts.seenTimeoutSeconds, 2_147_483),
      seenSize: count('seenSize', options.seenSize ?? 262_144),
      maxElements: count('maxElements', options.maxElements ?? 4_194_304),
    };
    this.binDir = options.binDir;
  }

  /** Resolves if the tools are installed and ipset/iptables answer here (root, modules present); else throws. */
  static async probe(options: Pick<IpsetOptions, 'binDir' | 'netns'>): Promise<void> {
    const tools = resolveAll(options.binDir, options.netns);
    for (const [tool, args] of [[tools.ipset, ['list', '-n']], [tools.iptables, ['-w', '-S', 'INPUT']], [tools.ip6tables, ['-w', '-S', 'INPUT']]] as const) {
      const r = await runTool(tool, args);
      if (r.code !== 0) throw toolFailure(tool, args.join(' '), r);
    }
  }

  /** Creates the sets and the chain if missing, rewrites the chain's rules and adds the INPUT jump once. */
  async init(): Promise<void> {
    await this.queue.exclusive(async () => {
      await this.ipsetRestore(ipsetSetupScript(this.layout), 'create its sets');
      for (const f of [4, 6] as const) {
        const ipt = this.tool(f === 4 ? 'iptables' : 'ip6tables');
        const jump = await runTool(ipt, ['-w', '-C', 'INPUT', '-j', this.layout.chain]);
        const restore = this.tool(f === 4 ? 'iptables-restore' : 'ip6tables-restore');
        const r = await runTool(restore, ['-w', '--noflush'], iptablesScript(this.layout, f, jump.code !== 0));
        if (r.code !== 0) throw toolFailure(restore, `install its ${this.layout.chain} chain`, r);
      }
    });
    const { chain, scope, ports, seenPorts } = this.layout;
    this.opts.log.info({ backend: this.name, sets: ([4, 6] as const).flatMap((f) => [setNames(this.layout, f).ban, setNames(this.layout, f).net]), chain, scope, ports: scope === 'sip' ? ports : 'all', seenPorts }, 'ipset firewall ready');
  }

  /** Rewrites its chain's rules for new watched ports (seen, and drop under scope `sip`); the sets keep their elements. */
  async watch(ports: PortSet): Promise<void> {
    const checked = checkPorts('watched ports', ports);
    if (samePorts(checked, this.layout.seenPorts) && samePorts(checked, this.layout.ports)) return;
    const next = { ...this.layout, ports: checked, seenPorts: checked };
    await this.queue.exclusive(async () => {
      for (const f of [4, 6] as const) {
        const restore = this.tool(f === 4 ? 'iptables-restore' : 'ip6tables-restore');
        const r = await runTool(restore, ['-w', '--noflush'], iptablesScript(next, f, false));
        if (r.code !== 0) throw toolFailure(restore, `rewrite its ${next.chain} chain`, r);
      }
    });
    this.layout = next;
    this.opts.log.info({ backend: this.name, seenPorts: checked, ports: next.scope === 'sip' ? checked : 'all' }, 'firewall watches new ports');
  }

  /** The ports whose senders the seen sets record now. */
  watched(): PortSet {
    return this.layout.seenPorts;
  }

  /** Applies bans and unbans in one `ipset restore`; unbanning an absent address is not an error. */
  async apply(ops: readonly EnforcerOp[], now: number): Promise<void> {
    const safe = guardOps(ops, this.opts.zoneOf, (ip: BanTarget) => this.opts.log.warn({ ip }, 'refused to ban a protected address or network'));
    if (safe.length === 0) return;
    await this.queue.ops(safe, now);
  }

  /** Makes the ban sets hold exactly the active `bans`, by filling temporary sets and swapping them in. */
  async reconcile(bans: readonly BanEntry[], now: number): Promise<void> {
    const safe = guardBans(bans, this.opts.zoneOf, (ip: BanTarget) => this.opts.log.warn({ ip }, 'refused to restore a ban on a protected address or network'));
    const started = Date.now();
    const counts = await this.queue.exclusive(async () => {
      for (const f of [4, 6] as const) {
        for (const next of [setNames(this.layout, f).next, setNames(this.layout, f).netNext]) await runTool(this.tool('ipset'), ['destroy', next]); // stale temporaries of a crashed run; absent is fine
      }
      const { script, ...counts } = ipsetReconcileScript(this.layout, safe, now);
      await this.ipsetRestore(script, 'restore the bans');
      return counts;
    });
    this.opts.log.info({ backend: this.name, ...counts, ms: Date.now() - started }, 'firewall holds the stored bans');
  }

  /** True if `ip` sent a packet to one of the seen ports within the seen timeout. */
  async seen(ip: IpAddress): Promise<boolean> {
    const addr = checkAddress(ip);
    const tool = this.tool('ipset');
    const r = await runTool(tool, ['test', setNames(this.layout, addr.includes(':') ? 6 : 4).seen, addr]);
    if (r.code === 0) return true;
    if (/is NOT in set/.test(r.stderr + r.stdout)) return false;
    throw toolFailure(tool, `look up ${addr} in the seen set`, r);
  }

  /** With keepBans nothing changes; otherwise the INPUT jump, the chain and the sets are removed. */
  async close(opts: { keepBans: boolean }): Promise<void> {
    if (opts.keepBans) {
      this.opts.log.info({ backend: this.name, chain: this.layout.chain }, 'bans stay in the kernel after stop');
      return;
    }
    await this.queue.exclusive(async () => {
      for (const f of [4, 6] as const) await this.removeChain(f);
      for (const f of [4, 6] as const) {
        const n = setNames(this.layout, f);
        for (const set of [n.ban, n.net, n.seen, n.next, n.netNext]) {
          const r = await runTool(this.tool('ipset'), ['destroy', set]);
          if (r.code !== 0 && !/does not exist/.test(r.stderr)) throw toolFailure(this.tool('ipset'), `destroy set ${set}`, r);
        }
      }
    });
  }

  private async removeChain(f: Family): Promise<void> {
    const ipt = this.tool(f === 4 ? 'iptables' : 'ip6tables');
    const chain = this.layout.chain;
    for (let i = 0; i < 16; i++) if ((await runTool(ipt, ['-w', '-D', 'INPUT', '-j', chain])).code !== 0) break;
    if ((await runTool(ipt, ['-w', '-F', chain])).code !== 0) return; // no chain: nothing more to do
    const r = await runTool(ipt, ['-w', '-X', chain]);
    if (r.code !== 0) throw toolFailure(ipt, `delete its ${chain} chain`, r);
  }

  private async ipsetRestore(script: string, what: string): Promise<void> {
    if (script.length === 0) return;
    const tool = this.tool('ipset');
    const r = await runTool(tool, ['-exist', 'restore'], script);
    if (r.code !== 0) throw toolFailure(tool, what, r);
  }

  private tool(name: ToolName): Tool {
    this.resolved ??= resolveAll(this.binDir, this.opts.netns);
    return this.resolved[name];
  }
}

function resolveAll(binDir: string | undefined, netns: string | undefined): Record<ToolName, Tool> {
  const out = {} as Record<ToolName, Tool>;
  for (const name of TOOLS) out[name] = resolveTool(name, binDir === undefined ? undefined : `${binDir}/${name}`, netns);
  return out;
}
