#!/usr/bin/env node
/**
 * Brute-force logins over TCP from a chosen source address, for the namespace tests
 * (run inside the attacker namespace). Plain ESM, no build step. Every attempt is a
 * fresh connection bounded by `--timeout` ms; the run is bounded by `--count`.
 *
 *   node tcp-login.mjs ami  --from A --to B [--port 5038] --user U --secret S --count N [--timeout 3000]
 *   node tcp-login.mjs http --from A --to B [--port 8472] --user U --secret S --count N [--timeout 3000]
 *
 * stdout: one JSON line {"answers":[…]} — per attempt, what came back: the AMI's
 * `Message:` or the HTTP status, or "timeout" / "error:<code>" when nothing did.
 */
import http from 'node:http';
import net from 'node:net';

const [mode, ...rest] = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : dflt;
};
const from = arg('from');
const to = arg('to');
const count = Math.min(Number(arg('count', '1')), 100);
const timeout = Math.min(Number(arg('timeout', '3000')), 10_000);
const user = arg('user', 'admin');
const secret = arg('secret', 'wrong');

/** One AMI login on a new connection: the answer's Message, or why there was none. */
function amiLogin(port) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: to, port, localAddress: from });
    let text = '';
    const done = (answer) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done('timeout'), timeout);
    sock.on('error', (e) => done(`error:${e.code ?? e.message}`));
    let sent = false;
    sock.on('data', (b) => {
      text += b.toString('latin1');
      if (!sent && text.includes('\r\n')) {
        sent = true; // the banner came: log in once
        sock.write(`Action: Login\r\nActionID: 1\r\nUsername: ${user}\r\nSecret: ${secret}\r\n\r\n`);
      }
      const m = /Response: \w+\r\n(?:[^\r\n]*\r\n)*?Message: ([^\r\n]*)\r\n/.exec(text);
      if (m) done(m[1]);
    });
  });
}

/** One dashboard login: the HTTP status, or why there was none. */
function httpLogin(port) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ username: user, password: secret });
    const req = http.request({ host: to, port, localAddress: from, method: 'POST', path: '/api/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }, timeout }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => {
      req.destroy();
      resolve('timeout');
    });
    req.on('error', (e) => resolve(`error:${e.code ?? e.message}`));
    req.end(body);
  });
}

if (!from || !to || !['ami', 'http'].includes(mode)) {
  process.stderr.write('usage: tcp-login.mjs ami|http --from A --to B [--port P] [--user U] [--secret S] [--count N] [--timeout MS]\n');
  process.exit(2);
}
const answers = [];
for (let i = 0; i < count; i++) {
  answers.push(mode === 'ami' ? await amiLogin(Number(arg('port', '5038'))) : await httpLogin(Number(arg('port', '8472'))));
}
process.stdout.write(`${JSON.stringify({ answers })}\n`);
