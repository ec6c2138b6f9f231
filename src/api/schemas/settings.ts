/**
 * `/api/settings`: protection, networks, policy tiers, subnet escalation. Request bodies
 * check only the shape; leaf values are checked by the config file's own schema, which
 * has the better words ("a number needs a unit, e.g. 5s").
 */
import Type, { type Static } from 'typebox';
import { Closed } from './common.js';

const ENTRY = Type.String({ maxLength: 300 });
/** A value the config schema checks (a number or text while a person edits it). */
const LEAF = Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'], maxLength: 100 });

/** Protection: `off` detects and logs but blocks nobody. */
export const Protection = Closed({ protection: Type.Enum(['on', 'off'], { type: 'string' }) });
export type Protection = Static<typeof Protection>;

/** Internal networks and the trusted list (addresses, networks, host names). */
export const Networks = Closed({ internal: Type.Array(Type.String()), trusted: Type.Array(Type.String()) });
export type Networks = Static<typeof Networks>;

/** `PUT /api/settings/networks`: one entry per line of the page. */
export const NetworksBody = Closed({
  internal: Type.Array(ENTRY, { maxItems: 1000 }),
  trusted: Type.Array(ENTRY, { maxItems: 1000 }),
});
export type NetworksBody = Static<typeof NetworksBody>;

/** A tier as a person writes it: `{ failures: 2, within: '1h', ban: '1h' | 'permanent' }`. */
export const Tier = Closed({ failures: Type.Integer(), within: Type.String(), ban: Type.String() });
export type Tier = Static<typeof Tier>;

/** The policy's tiers, sorted by `failures`. */
export const Policy = Closed({ tiers: Type.Array(Tier) });
export type Policy = Static<typeof Policy>;

/** `PUT /api/settings/policy`. */
export const PolicyBody = Closed({
  tiers: Type.Array(Closed({ failures: LEAF, within: LEAF, ban: LEAF }), { minItems: 1, maxItems: 20 }),
});
export type PolicyBody = Static<typeof PolicyBody>;

/** Subnet escalation with the config file's keys (`policy.subnets`). */
export const Subnets = Closed({
  enabled: Type.Boolean(),
  addresses: Type.Integer(),
  within: Type.String(),
  ban: Type.String(),
  ipv4_prefix: Type.Integer(),
  ipv6_prefix: Type.Integer(),
});
export type Subnets = Static<typeof Subnets>;

/** `PUT /api/settings/subnets`: every key; the numbers are checked and kept when it is off. */
export const SubnetsBody = Closed({ enabled: Type.Boolean(), addresses: LEAF, within: LEAF, ban: LEAF, ipv4_prefix: LEAF, ipv6_prefix: LEAF });
export type SubnetsBody = Static<typeof SubnetsBody>;

/** `GET /api/settings`: all of it at once. */
export const Settings = Closed({ ...Protection.properties, networks: Networks, policy: Policy, subnets: Subnets });
export type Settings = Static<typeof Settings>;
