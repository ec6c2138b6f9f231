#!/usr/bin/env node
/**
 * A tiny SIP-over-UDP client run inside the attacker namespace (`ip netns exec`), for
 * the namespace tests, the benchmarks and the demo. Plain ESM, Node built-ins only.
 * Every mode binds to `--from` (so the source address is exactly that one), is
 * bounded in packets and time, prints ONE JSON line and exits.
 *
 *   probe  --from A --to B [--port 5060] [--timeout-ms 600]
 *          OPTIONS as account 100 (a known account: the PBX answers 401 and logs a
 *          ChallengeSent, which is not a failure). {"answered":bool}
 *   await  --from A --to B [--interval-ms 20] [--timeout-ms 5000]
 *          prints {"ready":true} first, then probes every interval until one is
 *          answered. {"answered":bool,"at":epochMs,"sent":n}
 *   register --from A --to B --user U [--display D] [--call-id C] [--count 2]
 *          REGISTERs without credentials, user, display name and Call-ID written
 *          verbatim (for log-injection tests); `{n}` in C becomes the request's number
 *          (1, 2, …), `{r}` a random word. {"sent":n,"answered":n}
 *   guess  --from A --to B [--user 100] [--rate 100] [--count 50] [--timeout-ms 3000]
 *          one REGISTER for a challenge, then `count` REGISTERs with digests of wrong
 *          passwords at `rate` per second (one Call-ID, like svcrack), not waiting
 *          for answers. {"challenged":bool,"sent":n,"answered":n,"start":epochMs}
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { parseArgs } from 'node:util';

const { positionals, values: o } = parseArgs({
  allowPositionals: true,
  options: {
    from: { type: 'string' }, to: { type: 'string' }, port: { type: 'string', default: '5060' },
    user: { type: 'string', default: '100' }, display: { type: 'string' }, 'call-id': { type: 'string' },
    count: { type: 'string' }, rate: { type: 'string', default: '100' },
    'timeout-ms': { type: 'string' }, 'interval-ms': { type: 'string', default: '20' },
  },
});
const mode = positionals[0];
const port = Number(o.port);
const v6 = o.to.includes(':');
const host = v6 ? `[${o.to}]` : o.to;
const local = v6 ? `[${o.from}]` : o.from;
const md5 = (s) => createHash('md5').update(s).digest('hex');
const rand = () => randomBytes(6).toString('hex');
const wallNow = () => performance.timeOrigin + performance.now();
const out = (obj) => { process.stdout.write(`${JSON.stringify(obj)}\n`); };

const socket = dgram.createSocket(v6 ? 'udp6' : 'udp4');
await new Promise((resolve, reject) => { socket.once('error', reject); socket.bind(0, o.from, resolve); });
const lport = socket.address().port;
const send = (text) => socket.send(Buffer.from(text, 'latin1'), port, o.to);

function request(method, { user = o.user, display = '', callId = rand(), cseq = 1, auth = '' } = {}) {
  const name = display ? `${display} ` : '';
  return `${method} sip:${host} SIP/2.0\r\nVia: SIP/2.0/UDP ${local}:${lport};branch=z9hG4bK-${rand()};rport\r\n`
    + `Max-Forwards: 70\r\nFrom: ${name}<sip:${user}@${host}>;tag=${rand()}\r\nTo: ${name}<sip:${user}@${host}>\r\n`
    + `Call-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContact: <sip:${user}@${local}:${lport}>\r\n`
    + `${method === 'REGISTER' ? 'Expires: 3600\r\n' : ''}${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`;
}

/** Digest for a wrong password (RFC 2617, MD5, qop=auth). */
function digest(ch, password, uri) {
  const ha1 = md5(`${o.user}:${ch.realm}:${password}`);
  const ha2 = md5(`REGISTER:${uri}`);
  const response = md5(`${ha1}:${ch.nonce}:00000001:0a1b2c3d:auth:${ha2}`);
  return `Digest username="${o.user}",realm="${ch.realm}",nonce="${ch.nonce}",uri="${uri}",response="${response}",`
    + `algorithm=MD5,cnonce="0a1b2c3d",qop=auth,nc=00000001,opaque="${ch.opaque}"`;
}

const challengeOf = (text) => {
  const get = (k) => new RegExp(`${k}="([^"]*)"`).exec(text)?.[1] ?? '';
  return { nonce: get('nonce'), opaque: get('opaque'), realm: get('realm') || 'asterisk' };
};
const cseqOf = (text) => Number(/\r\nCSeq:\s*(\d+)/i.exec(text)?.[1] ?? 0);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const finish = (obj) => { out(obj); socket.close(); process.exit(0); };

let onMessage = () => undefined;
socket.on('message', (m) => onMessage(m.toString('latin1')));

if (mode === 'probe') {
  const timeout = Number(o['timeout-ms'] ?? 600);
  onMessage = () => finish({ answered: true });
  send(request('OPTIONS'));
  setTimeout(() => send(request('OPTIONS')), timeout / 2); // the first may wait for neighbour discovery
  setTimeout(() => finish({ answered: false }), timeout);
} else if (mode === 'await') {
  const timeout = Number(o['timeout-ms'] ?? 5000);
  const every = Number(o['interval-ms']);
  let sent = 0;
  onMessage = () => finish({ answered: true, at: Date.now(), sent });
  out({ ready: true });
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    send(request('OPTIONS'));
    sent++;
    await sleep(every);
  }
  finish({ answered: false, at: Date.now(), sent });
} else if (mode === 'register') {
  const count = Number(o.count ?? 2);
  let answered = 0;
  onMessage = () => { answered++; };
  for (let i = 0; i < count; i++) {
    const callId = (o['call-id'] ?? '{n}-{r}').replaceAll('{n}', String(i + 1)).replaceAll('{r}', rand());
    send(request('REGISTER', { display: o.display ?? '', callId, cseq: i + 1 }));
    await sleep(50);
  }
  await sleep(Number(o['timeout-ms'] ?? 300));
  finish({ sent: count, answered });
} else if (mode === 'guess') {
  const count = Number(o.count ?? 50);
  const gap = 1000 / Number(o.rate);
  const timeout = Number(o['timeout-ms'] ?? 3000);
  const callId = rand();
  let challenge = null;
  let answered = 0;
  onMessage = (text) => {
    if (cseqOf(text) === 1) challenge ??= challengeOf(text);
    else if (cseqOf(text) >= 2) answered++;
  };
  for (let i = 0; i < 3 && !challenge; i++) {
    send(request('REGISTER', { callId }));
    for (let w = 0; w < 50 && !challenge; w++) await sleep(10);
  }
  if (!challenge) finish({ challenged: false, sent: 0, answered: 0, start: null });
  const uri = `sip:${host}`;
  const start = wallNow();
  let sent = 0;
  while (sent < count && wallNow() - start < timeout) {
    while (sent < count && wallNow() >= start + sent * gap) {
      send(request('REGISTER', { callId, cseq: sent + 2, auth: digest(challenge, `wrong-${sent}-${rand()}`, uri) }));
      sent++;
    }
    await new Promise((r) => setImmediate(r));
    if (gap >= 2) await sleep(Math.max(0, start + sent * gap - wallNow() - 1));
  }
  await sleep(200); // late answers
  finish({ challenged: true, sent, answered, start });
} else {
  out({ error: `unknown mode '${mode}'` });
  process.exit(2);
}
