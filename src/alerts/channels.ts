/**
 * The ways an alert reaches a person, one small function each: a program (the alert as
 * JSON on its stdin; never a shell, so no attacker text is ever interpreted), a webhook
 * (the JSON POSTed) and e-mail through SMTP (nodemailer, text/plain). Each send is
 * bounded in time and rejects with a one-line reason that names no password.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { AlertsConfig, EmailConfig } from '../config/alerts.js';
import { jsonOf, mailOf, type AlertMessage } from './message.js';

/** One way out. */
export interface Channel {
  readonly name: 'command' | 'webhook' | 'email';
  /** Where it goes, for logs and the settings page: no password, no URL credentials. */
  readonly target: string;
  send(m: AlertMessage): Promise<void>;
}

/** The channels the settings enable, in a fixed order. */
export function channelsOf(s: Pick<AlertsConfig, 'command' | 'webhook' | 'email'>): Channel[] {
  const out: Channel[] = [];
  if (s.command) out.push(commandChannel(s.command));
  if (s.webhook) out.push(webhookChannel(s.webhook));
  if (s.email) out.push(emailChannel(s.email));
  return out;
}

/** Runs `command` (a path and arguments split on spaces) with the alert's JSON on stdin; fails on a non-zero exit or after 30 s. */
export function commandChannel(command: string, timeoutMs = 30_000): Channel {
  const [file = '', ...args] = command.trim().split(/\s+/);
  return {
    name: 'command', target: file,
    send: (m) => new Promise<void>((resolve, reject) => {
      const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'ignore'], timeout: timeoutMs });
      child.on('error', (e) => reject(new Error(`cannot run ${file}: ${e.message}`)));
      child.on('exit', (code, signal) => {
        if (code === 0) resolve();
        else reject(new Error(signal ? `${file} was stopped (${signal}; it may have run over ${timeoutMs / 1000} s)` : `${file} exited with status ${code}`));
      });
      child.stdin.on('error', () => undefined); // a program that does not read its input is not an error here
      child.stdin.end(`${jsonOf(m)}\n`);
    }),
  };
}

/** The URL as logs may show it: without user and password. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}

/** POSTs the alert's JSON to `url` (user and password in it become Basic authentication); fails on a non-2xx answer or after 10 s. */
export function webhookChannel(webhook: string, timeoutMs = 10_000): Channel {
  const target = safeUrl(webhook);
  let u: URL;
  try {
    u = new URL(webhook);
  } catch {
    return { name: 'webhook', target, send: () => Promise.reject(new Error(`the webhook ${JSON.stringify(webhook.slice(0, 100))} is not a valid URL`)) };
  }
  const auth = u.username || u.password ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}` : null;
  u.username = '';
  u.password = '';
  const url = u.toString();
  return {
    name: 'webhook', target,
    send: async (m) => {
      let r: Response;
      try {
        r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) }, body: jsonOf(m), signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        throw new Error(`cannot reach ${target}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
      }
      await r.body?.cancel();
      if (!r.ok) throw new Error(`${target} answered ${r.status} ${r.statusText}`.trim());
    },
  };
}

/** The SMTP password: given, or read from its file at each send (a changed file is used at once). */
async function passwordOf(e: EmailConfig): Promise<string | null> {
  if (e.password !== null) return e.password;
  if (e.passwordFile === null) return null;
  try {
    return (await readFile(e.passwordFile, 'utf8')).replace(/\r?\n$/, '');
  } catch (err) {
    throw new Error(`cannot read the SMTP password file ${e.passwordFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Sends the alert as a text/plain mail through the SMTP server; STARTTLS or TLS as configured, the certificate always checked. */
export function emailChannel(e: EmailConfig, timeoutMs = 20_000): Channel {
  const target = `smtp://${e.host}:${e.port}`;
  return {
    name: 'email', target,
    send: async (m) => {
      const pass = await passwordOf(e);
      let ca: string | undefined;
      if (e.ca !== null) {
        try {
          ca = await readFile(e.ca, 'utf8');
        } catch (err) {
          throw new Error(`cannot read the SMTP CA file ${e.ca} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        }
      }
      const transport = nodemailer.createTransport({
        host: e.host, port: e.port, secure: e.security === 'tls', requireTLS: e.security === 'starttls',
        ...(e.user !== null ? { auth: { user: e.user, pass: pass ?? '' } } : {}),
        ...(ca ? { tls: { ca } } : {}),
        connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs,
        disableFileAccess: true, disableUrlAccess: true,
      });
      const mail = mailOf(m);
      try {
        await transport.sendMail({ from: e.from, to: [...e.to], subject: mail.subject, text: mail.text, headers: { 'X-Sipwarden-Kind': m.kind } });
      } catch (err) {
        const x = err as { code?: string; responseCode?: number; message?: string };
        throw new Error(`${target}: ${x.code ?? 'error'}${x.responseCode ? ` ${x.responseCode}` : ''} ${(x.message ?? '').split('\n')[0]?.slice(0, 200) ?? ''}`.trim());
      } finally {
        transport.close();
      }
    },
  };
}
