/**
 * Things worth a warning before Asterisk starts refusing phones: where Asterisk listens
 * on a loopback address that the internal networks leave out (a phone or softphone on
 * the PBX itself, or a test rig, would be refused). Pure over assembled trees.
 */
import { compileNetworks, parseCidr, parseIp, type Cidr } from '../domain/ip.js';
import type { ConfTree } from '../asterisk/index.js';
import { entryValue } from './resolve.js';

/** `127.0.0.1:5060`, `[::1]:5060`, `127.0.0.1` → the address part. */
function hostOf(bind: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(bind);
  if (v6) return v6[1] as string;
  return bind.split(':').length === 2 ? (bind.split(':')[0] as string) : bind;
}

/** The loopback addresses Asterisk's SIP listens on, with where they are set. */
export function loopbackListens(pjsip: ConfTree, sip: ConfTree): { address: string; where: string }[] {
  const out: { address: string; where: string }[] = [];
  for (const s of pjsip.sections) {
    const bind = !s.template && entryValue(s, 'type')?.toLowerCase() === 'transport' ? entryValue(s, 'bind') : undefined;
    if (bind) out.push({ address: hostOf(bind.trim()), where: `pjsip transport [${s.name}] at ${s.file}:${s.line}` });
  }
  for (const s of sip.sections.filter((x) => x.name.toLowerCase() === 'general')) {
    for (const k of ['bindaddr', 'udpbindaddr']) {
      const v = entryValue(s, k);
      if (v) out.push({ address: hostOf(v.trim()), where: `chan_sip ${k} at ${s.file}:${s.line}` });
    }
  }
  return out.filter((l) => { const ip = parseIp(l.address); return ip !== null && (ip.startsWith('127.') || ip === '::1'); });
}

/** A warning when Asterisk listens on loopback and the internal networks leave that address out (null: none). */
export function loopbackWarning(internal: readonly string[], pjsip: ConfTree, sip: ConfTree): string | null {
  const nets = internal.map((n) => parseCidr(n)).filter((c): c is Cidr => c !== null);
  const inside = compileNetworks(nets);
  const out = loopbackListens(pjsip, sip).filter((l) => !inside(parseIp(l.address)!));
  if (out.length === 0) return null;
  const first = out[0]!;
  return `Asterisk listens on ${first.address} (${out.map((l) => l.where).join(', ')}), which networks.internal leaves out: phones reaching it there are refused (add ${first.address.includes(':') ? '::1/128' : '127.0.0.0/8'} to networks.internal if they are yours)`;
}
