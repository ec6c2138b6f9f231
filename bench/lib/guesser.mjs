#!/usr/bin/env node
// @ts-check
/**
 * The time-to-block benchmark's attacker, run inside the attacker namespace: for each
 * address in turn (one after another, never two at once) it asks the PBX for a digest
 * challenge, then sends `count` REGISTERs with digests of wrong passwords at `rate`
 * per second — one Call-ID for all, like svcrack, without waiting for answers — and
 * counts the guesses that got an answer. Node built-ins only; bounded in packets and time.
 *
 *   node bench/lib/guesser.mjs '{"to":"10.78.0.1","port":5060,"rate":1000,"count":200,"drainMs":100,"addresses":[…]}'
 *
 * stdout: one JSON line per attacker {"ip","challenged","sent","answered","start"},
 * then {"done":true}.
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';

/**
 * @type {{ to: string, port: number, rate: number, count: number, drainMs: number, addresses: string[], maxSeconds?: number }}
 */
const cfg = JSON.parse(process.argv[2]);
const md5 = (/** @type {string} */ s) => createHash('md5').update(s).digest('hex');
const rand = () => randomBytes(6).toString('hex');
const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));
setTimeout(() => process.exit(3), cfg.maxSeconds ? cfg.maxSeconds * 1000 : 900_000).unref();

/** @param {string} ip  @param {number} lport  @param {string} callId  @param {number} cseq  @param {string} [auth] */
function register(ip, lport, callId, cseq, auth) {
  return `REGISTER sip:${cfg.to} SIP/2.0\r\nVia: SIP/2.0/UDP ${ip}:${lport};branch=z9hG4bK-${rand()};rport\r\n`
    + `Max-Forwards: 70\r\nFrom: "100" <sip:100@${cfg.to}>;tag=${rand()}\r\nTo: "100" <sip:100@${cfg.to}>\r\n`
    + `Call-ID: ${callId}\r\nCSeq: ${cseq} REGISTER\r\nContact: <sip:100@${ip}:${lport}>\r\nUser-Agent: friendly-scanner\r\n`
    + `${auth ? `Authorization: ${auth}\r\n` : ''}Content-Length: 0\r\n\r\n`;
}

/** @typedef {{ nonce: string, opaque: string, realm: string }} Challenge */

/** @param {Challenge} ch  @param {string} password */
function digest(ch, password) {
  const uri = `sip:${cfg.to}`;
  const response = md5(`${md5(`100:${ch.realm}:${password}`)}:${ch.nonce}:00000001:0a1b2c3d:auth:${md5(`REGISTER:${uri}`)}`);
  return `Digest username="100",realm="${ch.realm}",nonce="${ch.nonce}",uri="${uri}",response="${response}",`
    + `algorithm=MD5,cnonce="0a1b2c3d",qop=auth,nc=00000001,opaque="${ch.opaque}"`;
}

/** @param {string} ip */
async function attack(ip) {
  const socket = dgram.createSocket('udp4');
  await new Promise((resolve, reject) => { socket.once('error', reject); socket.bind(0, ip, () => resolve(undefined)); });
  const lport = socket.address().port;
  const callId = rand();
  /** @type {Challenge | null} */
  let challenge = null;
  let answered = 0;
  socket.on('message', (m) => {
    const text = m.toString('latin1');
    const cseq = Number(/\r\nCSeq:\s*(\d+)/i.exec(text)?.[1] ?? 0);
    const get = (/** @type {string} */ k) => new RegExp(`${k}="([^"]*)"`).exec(text)?.[1] ?? '';
    if (cseq === 1) challenge ??= { nonce: get('nonce'), opaque: get('opaque'), realm: get('realm') || 'asterisk' };
    else if (cseq >= 2) answered++;
  });
  const send = (/** @type {string} */ text) => socket.send(Buffer.from(text, 'latin1'), cfg.port, cfg.to);
  for (let i = 0; i < 3 && !challenge; i++) {
    send(register(ip, lport, callId, 1));
    for (let w = 0; w < 30 && !challenge; w++) await sleep(10);
  }
  let sent = 0;
  const start = Date.now();
  if (challenge) {
    const gap = 1000 / cfg.rate;
    const t0 = performance.now();
    while (sent < cfg.count) {
      while (sent < cfg.count && performance.now() >= t0 + sent * gap) {
        send(register(ip, lport, callId, sent + 2, digest(challenge, `wrong-${sent}-${rand()}`)));
        sent++;
      }
      await sleep(Math.max(1, Math.floor(t0 + sent * gap - performance.now())));
    }
    await sleep(cfg.drainMs);
  }
  socket.close();
  return { ip, challenged: challenge !== null, sent, answered, start };
}

for (const ip of cfg.addresses) process.stdout.write(`${JSON.stringify(await attack(ip))}\n`);
process.stdout.write('{"done":true}\n');
process.exit(0);
