/**
 * `sipwarden feeds [--json]`: the configured blocklist feeds (README "Blocklist feeds"),
 * what the running daemon last made of each (kept in the store: `feed:<name>:state`) and
 * how many of its bans are in force now. Reads only; the key is never printed.
 *
 * JSON: `[{"name", "type", "source", "every", "ban", "enabled", "state", "error",
 * "lastOkAt", "lastAttemptAt", "nextAt", "listed", "bad", "badFirst", "skipped",
 * "lastId", "bans"}]` (times in ms since the epoch, `every` and `ban` in ms, `ban` null:
 * until the feed drops the entry; `state` `waiting` before the first poll).
 */
import { loadConfig } from '../config/index.js';
import { formatDuration, formatInstant } from '../domain/duration.js';
import { terminalJson, terminalText } from '../domain/strings.js';
import { lastIdKey, originOf } from '../feeds/index.js';
import { Store } from '../store/index.js';

/** One feed as the command shows it. */
export interface FeedView {
  readonly name: string;
  readonly type: 'apiban' | 'list';
  readonly source: string;
  readonly every: number;
  readonly ban: number | null;
  readonly enabled: boolean;
  readonly state: string;
  readonly error: string | null;
  readonly lastOkAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly nextAt: number | null;
  readonly listed: number;
  readonly bad: number;
  readonly badFirst: readonly string[];
  readonly skipped: Readonly<Record<string, number>>;
  readonly lastId: string | null;
  /** Its bans in force now (from the store). */
  readonly bans: number;
}

/** The feeds of `config` with their stored state, at `now`. */
export function feedViews(configPath: string | undefined, now: number): FeedView[] {
  const { config } = loadConfig(configPath);
  if (config.feeds.length === 0) return [];
  const store = Store.open(config.store.path);
  try {
    const counts = new Map<string, number>();
    for (const b of store.activeBans(now)) if (b.createdBy) counts.set(b.createdBy, (counts.get(b.createdBy) ?? 0) + 1);
    return config.feeds.map((f) => {
      const saved = parse(store.getMeta(`feed:${f.name}:state`));
      const num = (k: string) => (typeof saved[k] === 'number' ? saved[k] as number : null);
      return {
        name: f.name, type: f.type, source: f.file ?? f.url ?? '', every: f.every, ban: f.ban, enabled: f.enabled,
        state: f.enabled ? (typeof saved.state === 'string' ? saved.state : 'waiting') : 'disabled',
        error: typeof saved.error === 'string' ? saved.error : null,
        lastOkAt: num('lastOkAt'), lastAttemptAt: num('lastAttemptAt'), nextAt: f.enabled ? num('nextAt') : null,
        listed: num('listed') ?? 0, bad: num('bad') ?? 0,
        badFirst: Array.isArray(saved.badFirst) ? saved.badFirst.filter((x): x is string => typeof x === 'string') : [],
        skipped: typeof saved.skipped === 'object' && saved.skipped !== null ? saved.skipped as Record<string, number> : {},
        lastId: f.type === 'apiban' ? store.getMeta(lastIdKey(f.name)) : null,
        bans: counts.get(originOf(f.name)) ?? 0,
      };
    });
  } finally {
    store.close();
  }
}

function parse(text: string | null): Record<string, unknown> {
  try {
    const v = JSON.parse(text ?? '{}') as unknown;
    return typeof v === 'object' && v !== null ? v as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** The `feeds` command. */
export function feedsCommand(opts: { config?: string; json?: boolean }): void {
  const views = feedViews(opts.config, Date.now());
  if (opts.json) {
    process.stdout.write(`${terminalJson(views)}\n`);
    return;
  }
  if (views.length === 0) {
    process.stdout.write('no feeds configured (feeds: in the configuration; README "Blocklist feeds")\n');
    return;
  }
  for (const v of views) {
    const state = v.state === 'failing' ? `FAILING: ${terminalText(v.error ?? '')} (its bans stay in force)` : v.state;
    process.stdout.write([
      `${v.name} (${v.type}) ${terminalText(v.source)}: ${state}`,
      `  every ${formatDuration(v.every)}, bans ${v.ban === null ? 'until the feed drops them' : `for ${formatDuration(v.ban)}`}; ${v.bans} in force`,
      `  last read ${v.lastOkAt === null ? 'never' : formatInstant(v.lastOkAt)}${v.nextAt === null ? '' : `, next ${formatInstant(v.nextAt)}`}${v.lastId ? `, APIBAN ID ${terminalText(v.lastId)}` : ''}`,
      ...(v.bad ? [`  ${v.bad} bad lines skipped, e.g. ${v.badFirst.map(terminalText).join(', ')}`] : []),
      ...(Object.values(v.skipped).some((n) => n > 0) ? [`  never banned here: ${Object.entries(v.skipped).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k.replace('_', ' ')}`).join(', ')}`] : []),
    ].join('\n') + '\n');
  }
}
