/**
 * The settings page's alerts section: where alerts go (a program, a webhook, e-mail
 * through SMTP), which kinds, how a flood is held back, and "Send a test alert" with
 * each channel's answer. The SMTP password is never shown: the server says only whether
 * one is set, and an empty field keeps it. Values are checked by the server in the
 * config file's words.
 */
import { useState } from 'react';
import { api, ApiFailure } from '../api';
import { Problems } from '../components/Problems';
import { useSettingsSection } from '../hooks';
import type { RouteBody, RouteReply } from '../types';

type View = RouteReply<'GET /api/settings/alerts'>;
type Results = RouteReply<'POST /api/settings/alerts/test'>['results'];

/** The form as typed: text everywhere, the e-mail part switched on or off. */
interface Form {
  command: string;
  webhook: string;
  emailOn: boolean;
  host: string;
  port: string;
  security: string;
  user: string;
  password: string;
  passwordFile: string;
  from: string;
  to: string;
  ca: string;
  kinds: string[];
  quiet: string;
  digestAfter: string;
  digestWindow: string;
  staleLog: string;
}

function formOf(v: View): Form {
  const e = v.email;
  return {
    command: v.command ?? '', webhook: v.webhook ?? '', emailOn: e !== null, host: e?.host ?? '', port: e ? String(e.port) : '',
    security: e?.security ?? 'starttls', user: e?.user ?? '', password: '', passwordFile: e?.password_file ?? '', from: e?.from ?? '',
    to: e?.to.join('\n') ?? '', ca: e?.ca ?? '', kinds: v.kinds, quiet: v.quiet, digestAfter: String(v.digest_after),
    digestWindow: v.digest_window, staleLog: v.stale_log ?? '',
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const num = (s: string) => (/^\d+$/.test(s.trim()) ? Number(s.trim()) : s.trim());

/** The request body: an empty password field keeps the one in force. */
export function alertsBody(f: Form): RouteBody<'PUT /api/settings/alerts'> {
  const password = f.password === '' || f.passwordFile.trim() !== '' ? {} : { password: f.password };
  return {
    command: orNull(f.command), webhook: orNull(f.webhook),
    email: f.emailOn ? {
      host: f.host.trim(), ...(f.port.trim() ? { port: num(f.port) } : {}), security: f.security, user: orNull(f.user), ...password,
      password_file: orNull(f.passwordFile), from: f.from.trim(), to: f.to.split('\n').map((t) => t.trim()).filter(Boolean), ca: orNull(f.ca),
    } : null,
    kinds: f.kinds, quiet: f.quiet.trim(), digest_after: num(f.digestAfter), digest_window: f.digestWindow.trim(), stale_log: orNull(f.staleLog),
  };
}

export function AlertsSettings({ onSaved }: { onSaved?: () => void }) {
  const { error, current, form, setForm, problems, message, setMessage, saved, setSaved, save } = useSettingsSection(
    () => api('GET /api/settings/alerts'), formOf, (f: Form) => api('PUT /api/settings/alerts', { body: alertsBody(f) }), onSaved);
  const [results, setResults] = useState<Results | null>(null);
  const [testing, setTesting] = useState(false);

  if (!form || !current) return <section className="card"><h2>Alerts</h2>{error ? <div className="error">{error}</div> : <p className="muted">Loading…</p>}</section>;

  const set = (k: keyof Form, v: string | boolean | string[]) => {
    setForm({ ...form, [k]: v });
    setSaved(false);
  };
  const passwordSet = current.email?.password_set ?? false;
  const test = async () => {
    setTesting(true);
    setResults(null);
    setMessage(null);
    try {
      setResults((await api('POST /api/settings/alerts/test')).results);
    } catch (e) {
      setMessage(e instanceof ApiFailure ? e.message : String(e));
    } finally {
      setTesting(false);
    }
  };
  const text = (k: keyof Form, label: string, extra: { type?: string; placeholder?: string } = {}) => (
    <label>
      {label}
      <input aria-label={label} value={String(form[k])} onChange={(e) => set(k, e.target.value)} spellCheck={false} {...extra} />
    </label>
  );

  return (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <p className="muted small">Who hears about a compromised extension, a ban until released, a lost AMI connection or a missing log, and how. Each alert says the host, the time, what happened in plain words and links to the dashboard page about it.</p>
      <div className="columns">
        {text('command', 'Program (gets the alert as JSON on its input)', { placeholder: '/usr/local/bin/notify-admin' })}
        {text('webhook', 'Webhook URL (the alert is POSTed as JSON)', { placeholder: 'https://hooks.example.net/…' })}
      </div>
      <label>
        <input type="checkbox" checked={form.emailOn} onChange={(e) => set('emailOn', e.target.checked)} /> E-mail through an SMTP server
      </label>
      {form.emailOn && (
        <div className="columns">
          {text('host', 'SMTP server')}
          {text('port', 'Port', { placeholder: form.security === 'tls' ? '465' : '587' })}
          <label>
            Security
            <select aria-label="Security" value={form.security} onChange={(e) => set('security', e.target.value)}>
              <option value="starttls">STARTTLS required (587)</option>
              <option value="tls">TLS from the start (465)</option>
              <option value="none">None required</option>
            </select>
          </label>
          {text('user', 'Login name')}
          {text('password', passwordSet ? 'Password (set; empty keeps it)' : 'Password', { type: 'password' })}
          {text('passwordFile', 'Or a file holding the password')}
          {text('from', 'From address')}
          <label>
            To (one address per line)
            <textarea aria-label="To" rows={2} value={form.to} onChange={(e) => set('to', e.target.value)} spellCheck={false} />
          </label>
          {text('ca', 'CA certificate file (for a private CA)')}
        </div>
      )}
      <fieldset>
        <legend>Send these kinds</legend>
        {current.available.map((k) => (
          <label key={k.kind}>
            <input type="checkbox" checked={form.kinds.includes(k.kind)}
              onChange={(e) => set('kinds', e.target.checked ? [...form.kinds, k.kind] : form.kinds.filter((x) => x !== k.kind))} /> {k.title}
          </label>
        ))}
      </fieldset>
      <div className="columns">
        {text('quiet', 'The same alert again only after')}
        {text('digestAfter', 'At most this many alerts…')}
        {text('digestWindow', '…per (the rest in one digest)')}
        {text('staleLog', 'A log not grown for this long is stale (empty: never)')}
      </div>
      <Problems problems={problems} message={message} />
      {saved && <div className="notice" role="status">Saved. Alerts go out this way from now on.</div>}
      <button type="button" className="primary" onClick={() => void save()}>Save alerts</button>{' '}
      <button type="button" onClick={() => void test()} disabled={testing}>{testing ? 'Sending…' : 'Send a test alert'}</button>
      {results && (
        <div role="status"><ul aria-label="Test alert results">
          {results.length === 0 && <li>No channel is set: save a program, a webhook or e-mail first.</li>}
          {results.map((r) => <li key={r.channel}>{r.channel} ({r.target}): {r.ok ? 'sent' : `failed: ${r.error ?? ''}`}</li>)}
        </ul></div>
      )}
    </section>
  );
}
