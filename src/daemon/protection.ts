/**
 * `protection: off` is the emergency exit: while it is off, no ban of any kind reaches
 * the kernel — not the engine's (it decides none then), not a person's from the CLI or
 * the dashboard, not one decided just before the switch. Bans are still stored (and
 * audited), so switching protection on restores them all (the settings applier's
 * reconcile from the store; a start with protection off reconciles to nothing).
 *
 * The gate sits between the runner (and the manual changes it applies) and the firewall:
 * bans are dropped while protection is off, unbans always pass. The settings applier
 * and the start-up reconcile talk to the firewall itself.
 */
import type { IpAddress } from '../domain/ip.js';
import type { Enforcer, EnforcerOp, SeenProbe } from '../enforcers/index.js';

/** `enforcer` with every ban dropped while `on()` is false. */
export function protectionGate(enforcer: Enforcer, on: () => boolean): Enforcer {
  return {
    get name() {
      return enforcer.name;
    },
    init: () => enforcer.init(),
    apply: (ops: readonly EnforcerOp[], now: number) => {
      const pass = on() ? ops : ops.filter((o) => o.op !== 'ban');
      return pass.length ? enforcer.apply(pass, now) : Promise.resolve();
    },
    reconcile: (bans, now) => enforcer.reconcile(on() ? bans : [], now),
    close: (o) => enforcer.close(o),
  };
}

/** The seen probe with its ban-in-the-same-transaction skipped while `on()` is false (it only asks then). */
export function gatedSeen(seen: SeenProbe | null, on: () => boolean): SeenProbe | null {
  if (!seen) return null;
  const banIfSeen = seen.banIfSeen?.bind(seen);
  return {
    seen: (ip: IpAddress) => seen.seen(ip),
    ...(banIfSeen ? { banIfSeen: (ip: IpAddress, until: number | null, now: number) => (on() ? banIfSeen(ip, until, now) : seen.seen(ip)) } : {}),
    watch: (ports) => seen.watch(ports),
    watched: () => seen.watched(),
  };
}
