/**
 * The lines of sipwarden's blocks. The named ACL denies everything, IPv4 and IPv6 (an
 * IPv4 rule never matches an IPv6 address), then permits each internal network: Asterisk
 * applies every rule in order and the last match wins. Networks are written as CIDR
 * (`permit = 10.0.0.0/8`, `permit = fd00::/8`), which acl.conf accepts for both families.
 * Pure.
 */
import type { AclBlock } from './marks.js';

/** The name of the ACL in acl.conf, as the endpoints and peers refer to it. */
export const ACL_NAME = 'sipwarden-internal';

/** The named ACL permitting only `internal` (CIDR strings); with none it denies everything. */
export function aclBlock(internal: readonly string[]): AclBlock {
  return {
    purpose: 'internal-acl',
    lines: [
      '; extensions may register only from these networks (networks.internal in sipwarden.yaml)',
      `[${ACL_NAME}]`,
      'deny = 0.0.0.0/0.0.0.0',
      'deny = ::/0',
      ...internal.map((n) => `permit = ${n}`),
    ],
  };
}

/** One account's addition: the section name and the settings it lacks. */
export interface Addition {
  readonly name: string;
  readonly keys: readonly string[];
}

/** The settings naming the ACL: source address and Contact addresses. */
export const PJSIP_KEYS: readonly string[] = Object.freeze(['acl', 'contact_acl']);
/** chan_sip spells the Contact ACL `contactacl`. */
export const SIP_KEYS: readonly string[] = Object.freeze(['acl', 'contactacl']);

/**
 * `[name](+type=endpoint)` sections: the filter makes Asterisk add to the endpoint even
 * where an aor or auth of the same name comes first (a bare `(+)` takes the first).
 */
export function endpointsBlock(adds: readonly Addition[]): AclBlock | null {
  if (adds.length === 0) return null;
  return { purpose: 'pjsip-endpoints', lines: sectionLines(adds, '+type=endpoint', 'these endpoints may register only from [sipwarden-internal] (acl.conf)') };
}

/** `[name](+)` sections for chan_sip peers (each written once, so `(+)` finds it). */
export function peersBlock(adds: readonly Addition[]): AclBlock | null {
  if (adds.length === 0) return null;
  return { purpose: 'sip-peers', lines: sectionLines(adds, '+', 'these peers may register only from [sipwarden-internal] (acl.conf)') };
}

function sectionLines(adds: readonly Addition[], option: string, comment: string): string[] {
  const out = [`; ${comment}`];
  adds.forEach((a, i) => {
    if (i > 0) out.push('');
    out.push(`[${a.name}](${option})`, ...a.keys.map((k) => `${k} = ${ACL_NAME}`));
  });
  return out;
}
