// @ts-check
/**
 * Who lives on the simulated PBX: extensions and their phones, chan_sip peers, the
 * IAX2 peer, the ITSP trunk, the AMI clients — and the innocent addresses an
 * attacker will try to get banned through log injection (some of them are this
 * PBX's own friends: its ITSP, a remote worker, the IAX2 peer, a LAN gateway).
 */

/** PJSIP endpoints 100..139 and chan_sip peers 200..209 exist; everything else is unknown. */
export const PJSIP_EXTS = Array.from({ length: 40 }, (_, i) => String(100 + i));
export const SIP_PEERS = Array.from({ length: 10 }, (_, i) => String(200 + i));
export const AMI_USERS = ['admin', 'sipwarden'];
export const IAX_USER = 'iaxuser';
/** The provider's PJSIP endpoint (matched by IP on a real PBX: a trunk; bench/config/owner-policy.yaml lists it). */
export const TRUNK_ACCOUNT = 'itsp';

/** @typedef {{ ext: string, ip: string, port: number, callid: string, remote: boolean }} Phone */
/** @typedef {ReturnType<typeof buildPopulation>} Population */

/**
 * Builds the population.
 * @param {import('./prng.mjs').Rng} rng
 * @param {import('./addresses.mjs').AddressPool} pool
 */
export function buildPopulation(rng, pool) {
  const phones = PJSIP_EXTS.map((ext, i) => {
    /** @type {string} */
    let ip;
    let port = 5060;
    if (i < 26) ip = pool.internal('192.168');
    else if (i < 32) { ip = pool.internal('10'); port = rng.int(1024, 65000); }
    else if (i < 34) ip = pool.internal('fd');
    else if (i < 37) { ip = pool.publicV4(); port = rng.int(1024, 65000); }
    else { ip = pool.v6(); port = rng.int(1024, 65000); }
    const callid = ip.includes(':') ? `${rng.hex(16)}-${rng.hex(8)}` : `0_${rng.int(100000000, 4294967295)}@${ip}`;
    return { ext, ip, port, callid, remote: i >= 34 };
  });
  const peers = SIP_PEERS.map((peer, i) => {
    const ip = i < 8 ? pool.internal('192.168') : pool.publicV4();
    return { peer, ip, port: i < 8 ? 5060 : rng.int(1024, 65000), remote: i >= 8 };
  });
  const itsp = pool.docV4();
  const iaxPeer = pool.publicV4();
  const gateway = '192.168.1.1';
  pool.used.add(gateway);
  // Phones 34..36 are remote IPv4, 37..39 remote IPv6 (above), so both exist.
  const remoteWorker = /** @type {Phone} */ (phones.find((p) => p.remote && !p.ip.includes(':')));
  const remoteV6 = /** @type {Phone} */ (phones.find((p) => p.remote && p.ip.includes(':')));
  return { phones, peers, itsp, iaxPeer, gateway, remoteWorker, remoteV6 };
}

/**
 * The innocents: addresses that only ever appear inside attacker-chosen text.
 * Includes the PBX's friends (banning them would be the attacker's real win).
 * @param {import('./prng.mjs').Rng} rng
 * @param {import('./addresses.mjs').AddressPool} pool
 * @param {Population} pop
 * @param {number} count
 */
export function buildInnocents(rng, pool, pop, count) {
  const friends = [pop.itsp, pop.iaxPeer, pop.remoteWorker.ip, pop.remoteV6.ip, pop.gateway];
  const out = [...friends];
  for (let i = 0; out.length < count && i < count * 4; i++) {
    const r = rng.next();
    out.push(r < 0.45 ? pool.publicV4() : r < 0.75 ? pool.docV4() : r < 0.9 ? pool.v6() : pool.internal());
  }
  return out;
}
