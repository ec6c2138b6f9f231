/** Shapes of the JSON the sipwarden API returns (the dashboard consumes the API only). */

export type BanState = 'active' | 'expired' | 'released';

export interface Evidence {
  source: string;
  line: number;
  /** Attacker-controlled: render as text only. */
  text: string;
}

export interface Ban {
  id: number;
  ip: string;
  reason: string;
  tier: number;
  source: 'policy' | 'manual';
  failures: number;
  evidence: Evidence[];
  /** Attacker-controlled names. */
  accounts: string[];
  createdAt: number;
  expiresAt: number | null;
  releasedAt: number | null;
  releasedBy: string | null;
  createdBy: string | null;
  state: BanState;
}

export interface Page<T> {
  total: number;
  rows: T[];
}

export interface Failure {
  id?: number;
  at: number;
  ip: string;
  port: number | null;
  service: string;
  account: string;
  reason: string;
  zone: string;
  action: string;
  source: string | null;
  line: number | null;
  raw: string | null;
}

export interface Stats {
  now: number;
  hourly: { start: number; counts: number[] };
  daily: { start: number; counts: number[] };
  failures24h: number;
  topAddresses: Array<{ ip: string; failures: number; lastAt: number }>;
  topAccounts: Array<{ account: string; failures: number; addresses: number }>;
  activeBans: number;
  bansByTier: Array<{ tier: number; active: number }>;
}

export interface Health {
  now: number;
  protection: 'on' | 'off';
  sources: Array<{ path: string; exists: boolean; offset: number; lines: number; lagMs?: number | null; error?: string | null }>;
  ami: { host: string; port: number; connected: boolean; since?: number | null; lastError?: string | null } | null;
  firewall: { backend: string; lastError?: string | null; watch?: WatchHealth | null };
  /** The store and the failed-auth log, live (null: not known). */
  store?: StoreHealth | null;
  /** Log lines Asterisk's own logger reported as dropped since sipwarden started. */
  asteriskLoss?: { dropped: number; episodes: number; lastAt: number | null; source: string | null } | null;
}

/** What fails in the store or the failed-auth log, what waits in memory, and a damaged store kept aside at start. */
export interface StoreHealth {
  state: 'ok' | 'degraded';
  faults: Array<{ part: string; kind: string; code: string; message: string; advice: string; since: number; failures: number; retryAt: number }>;
  pending: { failures: number; bans: number; logLines: number };
  dropped: { failures: number; bans: number; logLines: number };
  reset: { at: number; aside: string; message: string } | null;
}

/** The ports the kernel watches for senders (an attacker of an unwatched port cannot be banned). */
export type WatchHealth =
  | { mode: 'ports'; ports: Array<{ port: number; proto: string | null; service: string | null; from: string }>; notes: string[] }
  | { mode: 'all'; why: string; notes: string[] };

export interface TierText {
  failures: number | string;
  within: string;
  ban: string;
}

export interface Settings {
  protection: 'on' | 'off';
  networks: { internal: string[]; trusted: string[] };
  policy: { tiers: TierText[] };
}

export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  ip: string | null;
  detail: string | null;
}

export interface Problem {
  path: string;
  message: string;
}
