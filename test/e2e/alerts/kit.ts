/**
 * Test gear for alerts: a real SMTP server (the smtp-server library) on 127.0.0.1 with
 * STARTTLS over a self-signed certificate made here by the openssl CLI and AUTH PLAIN
 * only, a webhook listener (node:http) and an alert command (a program appending its
 * stdin to a file). Everything listens on loopback and is closed by `close()`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

/** One mail as the server received it, with how the session was protected and who logged in. */
export interface Received {
  /** Header names in lower case, values unfolded. */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, its transfer encoding (quoted-printable, base64) undone. */
  readonly text: string;
  readonly raw: string;
  readonly secure: boolean;
  readonly user: string | null;
}

export interface AlertKit {
  readonly smtpPort: number;
  readonly caFile: string;
  readonly passwordFile: string;
  readonly webhook: string;
  readonly command: string;
  readonly mails: Received[];
  readonly posts: Array<Record<string, unknown>>;
  /** What the command received, one JSON object per run. */
  commandRuns(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export const SMTP_USER = 'pbx-alerts';
export const SMTP_PASSWORD = 'sm7p pass\u00e9 word';

/** Starts the three receivers; files go in `dir`. */
export async function startAlertKit(dir: string): Promise<AlertKit> {
  const key = path.join(dir, 'smtp.key');
  const cert = path.join(dir, 'smtp.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const passwordFile = path.join(dir, 'smtp-password');
  fs.writeFileSync(passwordFile, `${SMTP_PASSWORD}\n`, { mode: 0o600 });

  const mails: Received[] = [];
  const smtp = new SMTPServer({
    key: fs.readFileSync(key), cert: fs.readFileSync(cert), authMethods: ['PLAIN'], allowInsecureAuth: false, size: 1_000_000, logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({ ...parseMail(raw), raw, secure: session.secure, user: typeof session.user === 'string' ? session.user : null });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const posts: Array<Record<string, unknown>> = [];
  const hook = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString(); });
    req.on('end', () => {
      posts.push(JSON.parse(body) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));

  const runs = path.join(dir, 'command-runs.jsonl');
  const command = path.join(dir, 'alert-command');
  fs.writeFileSync(command, `#!/bin/sh\ncat >> "$1"\n`, { mode: 0o755 });

  return {
    smtpPort, caFile: cert, passwordFile, mails, posts,
    webhook: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`,
    command: `${command} ${runs}`,
    commandRuns: () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) : []),
    close: async () => {
      await new Promise<void>((r) => smtp.close(() => r()));
      await new Promise((r) => hook.close(r));
    },
  };
}

/** Polls `cond` every 50 ms for at most `ms`; resolves whether it held. */
export async function waitFor(cond: () => boolean, ms = 15_000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

/** A single-part mail's headers and decoded body (what nodemailer sends for text only). */
export function parseMail(raw: string): { headers: Record<string, string>; text: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, at).replace(/\r\n[ \t]+/g, ' ');
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = raw.slice(at + 4);
  const enc = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  if (enc === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => `%${h}`);
    body = decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/g, '%25'));
  } else if (enc === 'base64') {
    body = Buffer.from(body, 'base64').toString('utf8');
  }
  return { headers, text: body.replace(/\r\n/g, '\n') };
}
