/** Overview: protection switch, active bans, failures in the last 24 h, top attackers and accounts, source health. */
import { api } from '../api';
import { BarChart } from '../components/BarChart';
import { ClusterPanel } from '../components/ClusterPanel';
import { CountryChart } from '../components/CountryChart';
import { ProtectionSwitch } from '../components/ProtectionSwitch';
import { StoreFault } from '../components/StoreFault';
import { usePoll } from '../hooks';
import type { WatchHealth } from '../types';
import { span, visible, when } from '../text';
import { Country } from '../components/Geo';

const bansLink = (q: string) => `#/bans?q=${encodeURIComponent(q)}&state=all`;

export function Overview() {
  const stats = usePoll(() => api('GET /api/stats'), [], 10_000);
  const health = usePoll(() => api('GET /api/health'), [], 10_000);
  const s = stats.data;
  const h = health.data;
  const hourLabel = (i: number) => (s ? `${when(s.hourly.start + i * 3_600_000).slice(11, 16)}` : '');
  const dayLabel = (i: number) => (s ? when(s.daily.start + i * 86_400_000).slice(0, 10) : '');

  return (
    <div className="page">
      <ProtectionSwitch value={h?.protection ?? null} backend={h?.firewall.backend ?? null} onChange={() => health.reload()} />
      <StoreFault store={h?.store} />
      {(stats.error || health.error) && <div className="error">{stats.error ?? health.error}</div>}

      <div className="cards">
        <a className="card stat" href="#/bans?state=active">
          <div className="stat-value" data-testid="active-bans">{s?.activeBans ?? '…'}</div>
          <div className="muted">addresses blocked now</div>
        </a>
        <a className="card stat" href="#/failures">
          <div className="stat-value" data-testid="failures-24h">{s?.failures24h ?? '…'}</div>
          <div className="muted">failed logins in 24 h</div>
        </a>
        <a className="card stat" href="#/calls">
          <div className="stat-value" data-testid="calls-stopped">{s ? s.callsStoppedToday ?? 0 : '…'}</div>
          <div className="muted">calls stopped today</div>
        </a>
        <div className="card stat">
          <div className="stat-value small-value">{h?.firewall.backend ?? '…'}</div>
          <div className="muted">firewall{h?.firewall.backend === 'dry-run' ? ' (nothing is really blocked)' : ''}</div>
        </div>
      </div>

      {s && (
        <section className="card">
          <h2>Failed logins, last 24 hours</h2>
          <BarChart values={s.hourly.counts} labels={s.hourly.counts.map((_, i) => hourLabel(i))} tick={(i) => (i % 6 === 0 ? hourLabel(i) : null)} title="per hour" />
          <details>
            <summary>Last 30 days</summary>
            <BarChart values={s.daily.counts} labels={s.daily.counts.map((_, i) => dayLabel(i))} tick={(i) => (i % 7 === 0 ? dayLabel(i).slice(5) : null)} title="per day (UTC)" />
          </details>
        </section>
      )}

      <div className="columns">
        <section className="card">
          <h2>Top attacking addresses (24 h)</h2>
          {s && s.topAddresses.length === 0 && <p className="muted">No failed logins in the last 24 hours.</p>}
          <ol className="toplist">
            {s?.topAddresses.map((a) => (
              <li key={a.ip}><a href={bansLink(a.ip)} className="mono">{a.ip}</a>{a.geo && <> <Country geo={a.geo} /></>}<span>{a.failures}</span></li>
            ))}
          </ol>
        </section>
        <section className="card">
          <h2>Most targeted accounts (24 h)</h2>
          {s && s.topAccounts.length === 0 && <p className="muted">None.</p>}
          <ol className="toplist">
            {s?.topAccounts.map((a) => (
              <li key={a.account}>
                <a href={bansLink(a.account)} className="mono account">{visible(a.account)}</a>
                <span>{a.failures}{a.addresses > 1 ? ` from ${a.addresses} addresses` : ''}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>

      <CountryChart stats={s} />
      <ClusterPanel />

      <section className="card">
        <h2>What sipwarden watches</h2>
        <ul className="health">
          {h?.sources.length === 0 && <li className="bad">No Asterisk log file is watched. Set asterisk.logs in the config.</li>}
          {h?.sources.map((src) => (
            <li key={src.path} className={src.exists && !src.error ? 'good' : 'bad'}>
              <span className="mono">{src.path}</span>{' '}
              {src.exists ? `reading — ${src.lines} lines${typeof src.lagMs === 'number' ? `, ${src.lagMs < 60_000 ? 'up to date' : `${span(src.lagMs)} behind`}` : ''}` : 'missing'}
              {src.error ? ` — ${src.error}` : ''}
            </li>
          ))}
          {h?.ami && (
            <li className={h.ami.connected ? 'good' : 'bad'}>
              AMI {h.ami.host}:{h.ami.port} — {h.ami.connected ? 'connected' : `not connected${h.ami.lastError ? ` (${h.ami.lastError})` : ''}`}
            </li>
          )}
          {h && <li className={h.firewall.lastError ? 'bad' : 'good'}>Firewall: {h.firewall.backend}{h.firewall.lastError ? ` — ${h.firewall.lastError}` : ''}</li>}
          {h?.firewall.watch && <WatchedPorts watch={h.firewall.watch} />}
          {h?.asteriskLoss && h.asteriskLoss.episodes > 0 && (
            <li className="bad" data-testid="asterisk-loss">
              Asterisk dropped {h.asteriskLoss.dropped > 0 ? `${h.asteriskLoss.dropped} ` : ''}log lines
              {h.asteriskLoss.lastAt !== null ? ` (last ${when(h.asteriskLoss.lastAt)})` : ''}: its logger queue overflowed, and failed
              logins in that gap were never written. Keep the AMI source on, and raise logger_queue_limit in logger.conf.
            </li>
          )}
        </ul>
      </section>
    </div>
  );
}

/** Which ports the kernel watches for senders, and where each came from. */
function WatchedPorts({ watch }: { watch: WatchHealth }) {
  return (
    <li className={watch.mode === 'all' || watch.notes.length > 0 ? 'warn' : 'good'}>
      {watch.mode === 'all'
        ? <>Ports watched: every port — {watch.why}</>
        : <>Ports watched (senders to these are remembered, so their attackers can be banned):
            <ul className="ports">
              {watch.ports.map((p) => (
                <li key={`${p.port}-${p.proto}-${p.service}`}>
                  <span className="mono">{p.port}{p.proto ? `/${p.proto}` : ''}</span> {p.service ?? ''} <span className="muted">— {p.from}</span>
                </li>
              ))}
            </ul></>}
      {watch.notes.map((n) => <div key={n} className="muted note">{n}</div>)}
    </li>
  );
}
