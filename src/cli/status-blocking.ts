/**
 * What `sipwarden status` says about blocking, true to what the firewall does: protection
 * on with the dry-run firewall detects and records but blocks nobody, and says so
 * (the dashboard's overview says the same, components/ProtectionSwitch.tsx).
 */

/**
 * `off`: protection switched off; `detecting-only`: on, but the firewall is dry-run
 * (nothing is blocked); `blocking`: on with a real firewall; `unknown`: on, and which
 * firewall the daemon uses is not known (it has not run yet).
 */
export type Blocking = 'off' | 'detecting-only' | 'blocking' | 'unknown';

/** {@link Blocking} from the protection in force and the firewall backend's name (null: not known). */
export function blockingOf(protection: 'on' | 'off', backend: string | null): Blocking {
  if (protection === 'off') return 'off';
  if (backend === 'dry-run') return 'detecting-only';
  return backend === null ? 'unknown' : 'blocking';
}

/** The `blocking:` line of `status`. */
export function blockingLine(blocking: Blocking): string {
  switch (blocking) {
    case 'off': return 'NO — protection is off: attacks are detected and logged, nobody is blocked';
    case 'detecting-only': return 'NO — Detecting only — dry-run: nothing is blocked (firewall.backend is dry-run; nftables blocks)';
    case 'blocking': return 'yes — attackers are blocked in the firewall';
    case 'unknown': return 'unknown — the daemon has not said which firewall it uses (is it running?)';
  }
}
