/** Maps the validated config to the engine's inputs (the engine knows nothing of files). */
import os from 'node:os';
import type { Config } from '../config/index.js';
import { parseIp, type IpAddress } from '../domain/ip.js';
import type { PolicyInput, ZoneInput } from '../engine/index.js';

export function policyInput(c: Config): PolicyInput {
  return {
    tiers: c.policy.tiers,
    countReasons: c.policy.countReasons,
    banInternal: c.networks.banInternal,
    protection: c.protection,
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

export function zoneInput(c: Config, host: readonly IpAddress[] = []): ZoneInput {
  return { internal: c.networks.internal, trusted: c.networks.trusted, hostAddresses: host };
}
