import { detach } from '../domain/strings.js';

/**
 * Account classes: every account is an `extension` (a phone: internal networks only,
 * when extensions_internal_only is on), a `trunk` (may register from anywhere), or a
 * `roaming` extension (allowed from outside). Sources of truth, in order: patterns in
 * the config (an explicit word wins), then what discovery read from the PBX's own
 * configuration. Compiled once into a closure.
 */

export type AccountClass = 'extension' | 'trunk' | 'roaming' | 'unknown';

/** An account's class and why sipwarden thinks so (shown by `sipwarden accounts`). */
export interface Classified {
  readonly cls: AccountClass;
  readonly why: string;
}

export interface AccountInput {
  readonly extensions: readonly string[];
  readonly trunks: readonly string[];
  readonly roaming: readonly string[];
  /** Classes read from pjsip.conf/sip.conf, by account name. */
  readonly discovered?: ReadonlyMap<string, Classified>;
}

export type ClassifyAccount = (account: string) => Classified;

const UNKNOWN: Classified = { cls: 'unknown', why: 'not in the config patterns nor in the PBX configuration' };

/** `1??` → /^1..$/, `2*` → /^2.*$/ (everything else literal). */
export function patternToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\@-]/g, '\\$&').replace(/\?/g, '.').replace(/\*/g, '.*');
  return new RegExp(`^${body}$`);
}

/**
 * The account as the PBX names it: security events give the name, chan_sip challenges
 * the whole URI (`sip:200@pbx`), NOTICE lines the From user.
 */
export function accountName(raw: string): string {
  const m = /^<?sips?:([^@;>:]*)/.exec(raw);
  return m ? (m[1] as string) : raw;
}

/** Compiles the patterns and the discovered classes into one classifier. */
export function compileAccounts(input: AccountInput): ClassifyAccount {
  const lists: Array<[AccountClass, RegExp[], readonly string[]]> = [
    ['roaming', input.roaming.map(patternToRegExp), input.roaming],
    ['trunk', input.trunks.map(patternToRegExp), input.trunks],
    ['extension', input.extensions.map(patternToRegExp), input.extensions],
  ];
  const discovered = input.discovered ?? new Map<string, Classified>();
  const classify = (name: string): Classified => {
    for (const [cls, res, pats] of lists) {
      const i = res.findIndex((re) => re.test(name));
      if (i >= 0) return { cls, why: `matches ${cls} pattern ${JSON.stringify(pats[i])} in the config` };
    }
    return discovered.get(name) ?? UNKNOWN;
  };
  const memo = new Map<string, Classified>(); // bounded: attackers try endless names
  return (raw) => {
    let c = memo.get(raw);
    if (c === undefined) {
      c = classify(accountName(raw));
      if (memo.size >= 16_384) memo.clear();
      memo.set(detach(raw), c); // a key slices of a read chunk must not pin the chunk
    }
    return c;
  };
}
