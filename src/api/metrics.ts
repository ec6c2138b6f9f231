/**
 * Prometheus text exposition (format 0.0.4) of the daemon's counters. Names get the
 * `sipwarden_` prefix; names the daemon reports that are not known here are exported
 * as untyped gauges after sanitising. Bans active come from the store, source lag and
 * readiness from `health()`, so the daemon need not report them.
 */
import type { ApiDeps } from './deps.js';

/** Help text and type of the metrics sipwarden documents. */
export const KNOWN_METRICS: Readonly<Record<string, { type: 'counter' | 'gauge'; help: string }>> = {
  events_parsed_total: { type: 'counter', help: 'Security events parsed from Asterisk reports.' },
  attempts_total: { type: 'counter', help: 'Failed authentication attempts counted (duplicates merged).' },
  duplicates_total: { type: 'counter', help: 'Reports merged into an attempt already counted.' },
  injections_total: { type: 'counter', help: 'Report lines with injected addresses, counted for nobody.' },
  bans_total: { type: 'counter', help: 'Bans decided by the policy since start.' },
  enforcer_errors_total: { type: 'counter', help: 'Firewall changes that failed.' },
  enforcer_latency_seconds: { type: 'gauge', help: 'Duration of the last firewall change, seconds.' },
  login_failures_total: { type: 'counter', help: 'Failed dashboard logins.' },
  not_seen_total: { type: 'counter', help: 'Bans refused because the kernel never saw the address send a packet (suspected log injection).' },
  event_loop_delay_max_seconds: { type: 'gauge', help: "Longest the daemon's event loop was held up in the last 1-2 minutes (timers, firewall answers and the API wait that long), seconds." },
  event_loop_delay_p99_seconds: { type: 'gauge', help: "99th percentile of the daemon's event-loop delay in the last 1-2 minutes, seconds." },
};

const sanitize = (name: string) => name.replace(/[^a-zA-Z0-9_]/g, '_').replace(/^([^a-zA-Z_])/, '_$1');
const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const num = (v: number) => (Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf');

/** The `/metrics` body at `now`. */
export function renderMetrics(deps: ApiDeps, now: number): string {
  const out: string[] = [];
  const emit = (name: string, type: string, help: string, samples: Array<[string, number]>) => {
    out.push(`# HELP sipwarden_${name} ${help}`, `# TYPE sipwarden_${name} ${type}`);
    for (const [labels, v] of samples) out.push(`sipwarden_${name}${labels} ${num(v)}`);
  };
  for (const [raw, value] of Object.entries(deps.metrics())) {
    const name = sanitize(raw);
    const known = KNOWN_METRICS[name];
    emit(name, known?.type ?? 'untyped', known?.help ?? 'Reported by the daemon.', [['', value]]);
  }
  emit('bans_active', 'gauge', 'Bans in force now.', [['', deps.store.listBans({ state: 'active', limit: 1 }, now).total]]);
  emit('protection_on', 'gauge', '1 when protection is on (bans enforced), 0 when off.', [['', deps.controls.protection() === 'on' ? 1 : 0]]);
  const h = deps.health();
  emit('source_lag_seconds', 'gauge', 'How far reading a log file is behind its end, seconds.',
    h.sources.filter((s) => typeof s.lagMs === 'number').map((s) => [`{source="${label(s.path)}"}`, (s.lagMs as number) / 1000]));
  emit('source_up', 'gauge', '1 when the log file exists and is being read.', h.sources.map((s) => [`{source="${label(s.path)}"}`, s.exists ? 1 : 0]));
  if (h.ami) emit('ami_connected', 'gauge', '1 when the AMI connection is up.', [[`{host="${label(h.ami.host)}",port="${h.ami.port}"}`, h.ami.connected ? 1 : 0]]);
  return `${out.join('\n')}\n`;
}
