/**
 * Which ports the kernel's "seen" sets watch: the ports the PBX really listens on
 * (learned from its configuration, re-read with the accounts) plus the dashboard's,
 * or every port when they cannot be learned, or the `firewall.ports` override.
 *
 * Invariant: a counted failure of a service with no watched port never goes unsaid.
 * The first one per service is reported in plain words (daemon log and failed-auth
 * log), and the kernel then watches every port until the next start: its ban could
 * not be checked against the kernel, and a missed attacker is worse than a wider
 * seen set.
 */
import type { PortDiscovery, PortService } from '../asterisk/index.js';
import type { SecurityEvent } from '../domain/events.js';
import { samePorts, type PortSet } from '../enforcers/index.js';

/** One watched port and where it comes from, for people. */
export interface WatchedPort {
  readonly port: number;
  /** `udp`/`tcp`, or null when only the number is known (an override). */
  readonly proto: 'udp' | 'tcp' | null;
  /** The service it belongs to, or null when unknown (an override's port nothing else names). */
  readonly service: PortService | null;
  readonly from: string;
}

/** What is watched and why: shown by `sipwarden status` and the dashboard. */
export type WatchPlan =
  | { readonly mode: 'ports'; readonly ports: readonly WatchedPort[]; readonly notes: readonly string[] }
  | { readonly mode: 'all'; readonly why: string; readonly notes: readonly string[] };

/** Default ports of each service, used to judge an override when the PBX's configuration is unknown. */
const DEFAULT_PORTS: Readonly<Record<PortService, readonly number[]>> = {
  PJSIP: [5060, 5061], SIP: [5060, 5061], IAX2: [4569], AMI: [5038], HTTP: [8088, 8089],
};

const SERVICE_NAMES: Readonly<Record<PortService, string>> = {
  PJSIP: 'PJSIP', SIP: 'chan_sip', IAX2: 'IAX2', AMI: 'manager (AMI)', HTTP: 'HTTP',
};

/**
 * The plan for `override` (`firewall.ports`: 'auto' or a list), what the PBX's
 * configuration says (`discovery`) and the dashboard's port (`web`).
 */
export function planWatch(override: 'auto' | readonly number[], discovery: PortDiscovery, web: WatchedPort | null): WatchPlan {
  const webPorts = web ? [web] : [];
  if (override === 'auto') {
    if (!discovery.ok) return { mode: 'all', why: `${discovery.why}: watching every port`, notes: [] };
    return { mode: 'ports', ports: [...discovery.ports.map((p) => ({ ...p })), ...webPorts], notes: discovery.notes };
  }
  const known = discovery.ok ? discovery.ports : [];
  const ports: WatchedPort[] = override.map((port) => {
    const k = known.find((p) => p.port === port);
    return { port, proto: k?.proto ?? null, service: k?.service ?? (web?.port === port ? 'HTTP' : null), from: 'firewall.ports' };
  });
  const notes = known.filter((p) => !override.includes(p.port))
    .map((p) => `the PBX's ${SERVICE_NAMES[p.service]} port ${p.port} (${p.from}) is not in firewall.ports: its attackers cannot be banned while require_seen is on; remove firewall.ports to learn the ports`);
  return { mode: 'ports', ports: [...ports, ...webPorts], notes: discovery.ok ? notes : [...notes, discovery.why] };
}

/** The port set the firewall is given for a plan. */
export function portSetOf(plan: WatchPlan): PortSet {
  if (plan.mode === 'all') return 'all';
  return [...new Set(plan.ports.map((p) => p.port))].sort((a, b) => a - b);
}

/** True if the plan watches a port of `service` (events of an unknown service are judged watched only under 'all'). */
export function watchesService(plan: WatchPlan, service: string, discovery: PortDiscovery): boolean {
  if (plan.mode === 'all') return true;
  if (!isPortService(service)) return true; // a service we cannot map to a port (reported by Asterisk's own name): nothing to judge
  if (plan.ports.some((p) => p.service === service)) return true;
  // An override whose ports are not known to be the service's: judge by the ports the PBX (or Asterisk's defaults) give it.
  const servicePorts = discovery.ok ? discovery.ports.filter((p) => p.service === service).map((p) => p.port) : DEFAULT_PORTS[service];
  return servicePorts.length > 0 && servicePorts.every((port) => plan.ports.some((p) => p.port === port && p.service === null));
}

function isPortService(s: string): s is PortService {
  return s === 'PJSIP' || s === 'SIP' || s === 'IAX2' || s === 'AMI' || s === 'HTTP';
}

/** What the watcher asks its owner to do. */
export interface WatchEffects {
  /** Give the firewall a new port set (may fail: the caller logs it). */
  apply(ports: PortSet): Promise<void>;
  /** Say, once per service, that a failure of `service` arrived while none of its ports is watched. */
  unwatched(service: string, sentence: string): void;
}

/**
 * Holds the plan in force and keeps the firewall's rules in step with it. Not a
 * timer of its own: the daemon calls `update` when it re-reads the PBX's
 * configuration and `observe` for each event.
 */
export class PortWatch {
  private plan: WatchPlan;
  private discovery: PortDiscovery;
  private widened: string | null = null;
  private readonly said = new Set<string>();

  constructor(plan: WatchPlan, discovery: PortDiscovery, private readonly effects: WatchEffects) {
    this.plan = plan;
    this.discovery = discovery;
  }

  /** The plan in force (with the widening, if a failure forced one). */
  current(): WatchPlan {
    if (this.widened === null) return this.plan;
    return { mode: 'all', why: this.widened, notes: this.plan.notes };
  }

  /** A new plan (the PBX's configuration was re-read); applied if it changes the port set. */
  async update(plan: WatchPlan, discovery: PortDiscovery): Promise<void> {
    const before = portSetOf(this.current());
    this.plan = plan;
    this.discovery = discovery;
    const after = portSetOf(this.current());
    if (!samePorts(before, after)) await this.effects.apply(after);
  }

  /**
   * Looks at one event: a counted failure of a service none of whose ports is watched
   * is reported once per service and widens the watch to every port.
   */
  observe(ev: SecurityEvent): void {
    if (ev.kind !== 'auth_failed' || this.widened !== null) return;
    if (watchesService(this.plan, ev.service, this.discovery)) return;
    if (this.said.has(ev.service)) return;
    this.said.add(ev.service);
    const name = isPortService(ev.service) ? SERVICE_NAMES[ev.service] : ev.service;
    const sentence = `a failure of the PBX's ${name} service came from ${ev.ip}, but none of its ports is watched, so its ban cannot be checked against the kernel; watching every port from now on (add the port to the PBX's configuration sipwarden reads, or to firewall.ports)`;
    this.widened = `a failure of the ${name} service arrived while none of its ports was watched`;
    this.effects.unwatched(ev.service, sentence);
    void this.effects.apply('all');
  }
}
