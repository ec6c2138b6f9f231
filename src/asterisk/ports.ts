/**
 * Which ports the PBX really listens on, learned from its own configuration (the same
 * files account discovery reads, FreePBX's generated ones included through their
 * `#include`s): PJSIP transports, chan_sip, IAX2, the manager (AMI), and Asterisk's
 * HTTP server when a PJSIP WebSocket transport needs it.
 *
 * The kernel's "seen" sets must cover every one of them: a ban refused as "never
 * seen" is a claim of log injection, never the consequence of a port we forgot. So
 * when the configuration cannot be read at all, `discoverPorts` says so and the daemon
 * watches every port instead of guessing.
 *
 * A listener bound only to loopback is left out (nothing outside the host reaches it,
 * and loopback is never banned). `listeningPorts` is pure over assembled trees;
 * `discoverPorts` reads them from disk.
 */
import { lastValue, sectionsNamed, type ConfEntry, type ConfSection, type ConfTree } from './conf.js';
import { loadConf } from './loader.js';

/** The service Asterisk names in its security events for a listener. */
export type PortService = 'PJSIP' | 'SIP' | 'IAX2' | 'AMI' | 'HTTP';

/** One listening port and where the configuration says so. */
export interface ListenPort {
  readonly port: number;
  readonly proto: 'udp' | 'tcp';
  readonly service: PortService;
  /** Where it comes from, for people: `pjsip.conf:9 [transport-udp] bind = 0.0.0.0:5060`. */
  readonly from: string;
}

/** What the configuration says: the ports, or why they could not be learned. */
export type PortDiscovery =
  | { readonly ok: true; readonly ports: readonly ListenPort[]; readonly notes: readonly string[] }
  | { readonly ok: false; readonly why: string };

/** The assembled files `listeningPorts` reads (a missing file: `found: false`). */
export interface PortTrees {
  readonly pjsip: ConfTree;
  readonly sip: ConfTree;
  readonly iax: ConfTree;
  readonly manager: ConfTree;
  readonly http: ConfTree;
  readonly modules: ConfTree;
}

/** `0.0.0.0:5060`, `[::]:5061`, `0.0.0.0`, `::` → host and port (null: none given). */
export function splitHostPort(value: string): { host: string; port: number | null } | null {
  const v = value.trim();
  const bracket = /^\[([^\]]*)\](?::(\d{1,5}))?$/.exec(v);
  if (bracket) return { host: bracket[1] as string, port: bracket[2] === undefined ? null : portOf(bracket[2]) };
  if ((v.match(/:/g) ?? []).length > 1) return { host: v, port: null }; // bare IPv6 cannot carry a port
  const m = /^([^:]*)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return null;
  return { host: m[1] as string, port: m[2] === undefined ? null : portOf(m[2]) };
}

function portOf(text: string): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= 65_535 ? n : null;
}

function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
}

const yes = (e: ConfEntry | undefined) => e !== undefined && /^(yes|true|y|t|1|on)$/i.test(e.value.trim());
const where = (e: ConfEntry) => `${e.file}:${e.line} ${e.key} = ${e.value}`;
const whereSection = (s: ConfSection) => `${s.file}:${s.line} [${s.name}]`;

/** Module names `modules.conf` refuses to load (`noload => chan_sip.so`). */
function notLoaded(modules: ConfTree): Set<string> {
  const out = new Set<string>();
  for (const s of sectionsNamed(modules, 'modules')) for (const e of s.entries) if (e.key.toLowerCase() === 'noload') out.add(e.value.trim().toLowerCase());
  return out;
}

/** Every listening port the trees describe, and notes on what was left out and why. */
export function listeningPorts(t: PortTrees): { ports: ListenPort[]; notes: string[] } {
  const ports: ListenPort[] = [];
  const notes: string[] = [];
  const noload = notLoaded(t.modules);
  const add = (service: PortService, proto: 'udp' | 'tcp', bind: string, defaultPort: number, from: string) => {
    const hp = splitHostPort(bind);
    if (!hp) return void notes.push(`${from}: cannot read the address ${JSON.stringify(bind)}; ignored`);
    if (isLoopback(hp.host)) return void notes.push(`${from}: ${service} listens on loopback only; not watched`);
    ports.push({ port: hp.port ?? defaultPort, proto, service, from });
  };

  // PJSIP: every [transport] section; ws/wss ride on Asterisk's HTTP server.
  let websocket = false;
  if (t.pjsip.found && !noload.has('res_pjsip.so')) {
    for (const s of t.pjsip.sections) {
      if (s.template) continue;
      const get = (k: string) => lastOf(s.entries, k);
      if (get('type')?.value.trim().toLowerCase() !== 'transport') continue;
      const protocol = (get('protocol')?.value.trim().toLowerCase() ?? 'udp');
      if (protocol === 'ws' || protocol === 'wss') { websocket = true; continue; }
      if (protocol === 'flow') continue;
      const bind = get('bind');
      const from = bind ? where(bind) : `${whereSection(s)} (no bind)`;
      add('PJSIP', protocol === 'udp' ? 'udp' : 'tcp', bind?.value ?? '0.0.0.0', protocol === 'tls' ? 5061 : 5060, from);
    }
  }

  // chan_sip: [general] bindport / udpbindaddr (bindaddr), tcp and tls when enabled.
  if (t.sip.found && !noload.has('chan_sip.so') && sectionsNamed(t.sip, 'general').length > 0) {
    const g = (k: string) => lastValue(t.sip, 'general', k);
    const bindport = g('bindport');
    const udpPort = bindport ? (portOf(bindport.value.trim()) ?? 5060) : 5060;
    const udp = g('udpbindaddr') ?? g('bindaddr');
    const udpFrom = [udp, bindport].filter((e): e is ConfEntry => e !== undefined).map(where).join(', ') || `${t.sip.entry} [general] (defaults)`;
    add('SIP', 'udp', udp?.value ?? '0.0.0.0', udpPort, udpFrom);
    const tcp = g('tcpbindaddr');
    if (yes(g('tcpenable'))) add('SIP', 'tcp', tcp?.value ?? '0.0.0.0', udpPort, tcp ? where(tcp) : where(g('tcpenable') as ConfEntry));
    const tls = g('tlsbindaddr');
    if (yes(g('tlsenable'))) add('SIP', 'tcp', tls?.value ?? '0.0.0.0', 5061, tls ? where(tls) : where(g('tlsenable') as ConfEntry));
  }

  // IAX2: [general] bindport, and every bindaddr (which may carry its own port).
  if (t.iax.found && !noload.has('chan_iax2.so') && sectionsNamed(t.iax, 'general').length > 0) {
    const bindport = lastValue(t.iax, 'general', 'bindport');
    const port = bindport ? (portOf(bindport.value.trim()) ?? 4569) : 4569;
    const addrs = sectionsNamed(t.iax, 'general').flatMap((s) => s.entries.filter((e) => e.key.toLowerCase() === 'bindaddr'));
    if (addrs.length === 0) add('IAX2', 'udp', '0.0.0.0', port, bindport ? where(bindport) : `${t.iax.entry} [general] (defaults)`);
    for (const a of addrs) add('IAX2', 'udp', a.value, port, [a, bindport].filter((e): e is ConfEntry => e !== undefined).map(where).join(', '));
  }

  // The manager: only when enabled; port / bindaddr, and TLS on tlsbindaddr.
  if (t.manager.found) {
    const g = (k: string) => lastValue(t.manager, 'general', k);
    if (yes(g('enabled'))) {
      const portE = g('port');
      const bind = g('bindaddr');
      add('AMI', 'tcp', bind?.value ?? '0.0.0.0', portE ? (portOf(portE.value.trim()) ?? 5038) : 5038,
        [portE, bind].filter((e): e is ConfEntry => e !== undefined).map(where).join(', ') || `${t.manager.entry} [general] enabled`);
      if (yes(g('tlsenable'))) {
        const tls = g('tlsbindaddr');
        add('AMI', 'tcp', tls?.value ?? '0.0.0.0', 5039, tls ? where(tls) : where(g('tlsenable') as ConfEntry));
      }
    } else {
      notes.push(`${t.manager.entry}: the manager (AMI) is not enabled; not watched`);
    }
  }

  // Asterisk's HTTP server, for PJSIP over WebSocket (ws: bindport, wss: tlsbindaddr).
  if (websocket) {
    const g = (k: string) => lastValue(t.http, 'general', k);
    if (t.http.found && yes(g('enabled'))) {
      const portE = g('bindport');
      const bind = g('bindaddr');
      add('HTTP', 'tcp', bind?.value ?? '0.0.0.0', portE ? (portOf(portE.value.trim()) ?? 8088) : 8088,
        [bind, portE].filter((e): e is ConfEntry => e !== undefined).map(where).join(', ') || `${t.http.entry} [general] enabled`);
      if (yes(g('tlsenable'))) {
        const tls = g('tlsbindaddr');
        add('HTTP', 'tcp', tls?.value ?? '0.0.0.0', 8089, tls ? where(tls) : where(g('tlsenable') as ConfEntry));
      }
    } else {
      notes.push(`${t.http.entry}: a PJSIP WebSocket transport is configured but Asterisk's HTTP server is not enabled`);
    }
  }
  return { ports: dedupe(ports), notes };
}

/**
 * Reads the PBX's configuration under `configDir` (and `root`) and lists the ports it
 * listens on. Not `ok` when no SIP configuration can be read (not installed yet,
 * another layout, no permission) or it describes no listener at all: the caller then
 * watches every port.
 */
export function discoverPorts(opts: { configDir: string; root?: string }): PortDiscovery {
  let trees: PortTrees;
  try {
    const load = (name: string) => loadConf(name, opts);
    trees = { pjsip: load('pjsip.conf'), sip: load('sip.conf'), iax: load('iax.conf'), manager: load('manager.conf'), http: load('http.conf'), modules: load('modules.conf') };
  } catch (e) {
    return { ok: false, why: `cannot read the PBX configuration in ${opts.configDir}: ${(e as Error).message}` };
  }
  if (!trees.pjsip.found && !trees.sip.found && !trees.iax.found) {
    return { ok: false, why: `no pjsip.conf, sip.conf or iax.conf in ${opts.configDir}` };
  }
  const { ports, notes } = listeningPorts(trees);
  if (!ports.some((p) => p.service !== 'AMI' && p.service !== 'HTTP')) {
    return { ok: false, why: `the configuration in ${opts.configDir} names no SIP or IAX2 listener sipwarden can read` };
  }
  return { ok: true, ports, notes };
}

function lastOf(entries: readonly ConfEntry[], key: string): ConfEntry | undefined {
  for (let i = entries.length - 1; i >= 0; i--) if ((entries[i] as ConfEntry).key.toLowerCase() === key) return entries[i];
  return undefined;
}

/** One entry per port, protocol and service (the first place that named it). */
function dedupe(ports: readonly ListenPort[]): ListenPort[] {
  const seen = new Set<string>();
  return ports.filter((p) => {
    const k = `${p.port}/${p.proto}/${p.service}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
