/** Maps the validated config to the engine's inputs (the engine knows nothing of files). */
import os from 'node:os';
import type { Config } from '../config/index.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import { scanInput, subnetInput, type Classified, type PolicyInput, type RuleInput, type ZoneInput } from '../engine/index.js';

export function policyInput(c: Config): PolicyInput {
  return {
    tiers: c.policy.tiers,
    countReasons: c.policy.countReasons,
    banInternal: c.networks.banInternal,
    protection: c.protection,
    knownTiers: c.trust.learn ? c.trust.knownTiers : undefined,
    ipv6Prefix: c.policy.ipv6Prefix,
    scan: scanInput(c.policy.scan),
  };
}

/** Account classes, extensions-only-from-inside and learned trust, from the config (+ discovered accounts). */
export function ruleInput(c: Config, discovered?: ReadonlyMap<string, Classified>): RuleInput {
  return {
    accounts: { extensions: c.accounts.extensions, trunks: c.accounts.trunks, roaming: c.accounts.roaming, discovered },
    extensionsInternalOnly: c.accounts.extensionsInternalOnly,
    externalExtensionBan: c.accounts.externalExtensionBan,
    compromisedBan: c.accounts.compromisedBan,
    learnFor: c.trust.learn ? c.trust.learnFor : 0,
    subnets: subnetInput(c.policy.subnets),
    // The country policy (engine/geo-policy.ts): only with geo on, and once the daemon gave the engine its locator.
    geo: c.geo.enabled ? { deny: c.geo.deny, allow: c.geo.allow, ban: c.geo.ban, newCountryAlert: c.geo.newCountryAlert } : undefined,
  };
}

/** The host's own addresses, never to be banned. */
export function hostAddresses(): IpAddress[] {
  const out: IpAddress[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      const ip = parseIp(a.address.split('%')[0] as string);
      if (ip) out.push(ip);
    }
  }
  return out;
}

/** The engine's zones: the config's networks, the host's addresses, resolved trusted names and the clients of this host's SSH. */
export function zoneInput(c: Config, host: readonly IpAddress[] = [], dynamicTrusted?: ZoneInput['dynamicTrusted'], dynamicNever?: ZoneInput['dynamicNever']): ZoneInput {
  return { internal: c.networks.internal, trusted: c.networks.trusted, hostAddresses: host, dynamicTrusted, dynamicNever };
}
