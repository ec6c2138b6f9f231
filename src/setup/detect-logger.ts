/**
 * What Asterisk's logger writes, from logger.conf (and what it includes — FreePBX's
 * `logger_general_*.conf` and `logger_logfiles_*.conf`) and asterisk.conf's `astlogdir`.
 * Reads files under the root prefix; returns plain data.
 */
import { existsSync } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { parseLogDate } from '../parsers/framing.js';
import { lastValue, sectionsNamed, type ConfTree } from '../asterisk/index.js';
import { loadConf } from '../asterisk/index.js';
import { onHost, PATHS } from './paths.js';

/** One `[logfiles]` channel (`name => levels`). */
export interface LogChannel {
  readonly name: string;
  /** The file it writes (logical path); null for `console` and `syslog.*`. */
  readonly path: string | null;
  /** Lower-case level names without `(n)` suffixes; `*` means every level. */
  readonly levels: readonly string[];
  /** `[json]`, `[plain]` or `[default]` prefix, without brackets; null when none. */
  readonly formatter: string | null;
  readonly logsSecurity: boolean;
  readonly logsNotice: boolean;
  /** Whether the file exists now. */
  readonly exists: boolean;
  readonly definedIn: { readonly file: string; readonly line: number };
}

/** What the logger configuration says. */
export interface LoggerFacts {
  /** logger.conf's logical path, and whether it exists. */
  readonly confFile: string;
  readonly found: boolean;
  /** Every file read for it (logger.conf and its includes). */
  readonly files: readonly string[];
  readonly logDir: string;
  readonly logDirFrom: 'asterisk.conf' | 'default';
  /** `dateformat` from [general]; null: Asterisk's default `%b %e %T`. */
  readonly dateformat: string | null;
  /** Whether sipwarden's parsers read dates written in that format. */
  readonly dateformatSupported: boolean;
  readonly appendHostname: boolean;
  /** With `appendhostname = yes`: the host name Asterisk appends to file names (`messages.<host>`); else null. */
  readonly hostSuffix: string | null;
  readonly channels: readonly LogChannel[];
  /** The channel logging security events (named `security` preferred); null: none. */
  readonly security: LogChannel | null;
  /** FreePBX's `logger_logfiles_custom.conf` when logger.conf includes it under [logfiles]; else null. */
  readonly customFile: string | null;
  /** The section current at the end of each file (where a bare appended line would land). */
  readonly endSection: Readonly<Record<string, string | null>>;
  readonly hasLogfilesSection: boolean;
  readonly problems: readonly string[];
}

/** Options shared by the detectors. */
export interface DetectOptions {
  /** Root prefix for every file read (default `/`). */
  readonly root?: string;
  /** Asterisk's config directory, logical (default /etc/asterisk). */
  readonly asteriskDir?: string;
  /** For `appendhostname = yes` (default `os.hostname()`). */
  readonly hostname?: string;
  /** Reference time for checking the dateformat (default now). */
  readonly now?: number;
}

/** Asterisk's `ast_true`: yes, true, y, t, 1, on. */
export function astTrue(v: string | undefined): boolean {
  return v !== undefined && /^(yes|true|y|t|1|on)$/i.test(v.trim());
}

/** `astlogdir` from asterisk.conf's [directories], when it is an absolute path. */
function logDirOf(root: string, asteriskDir: string, problems: string[]): { dir: string; from: LoggerFacts['logDirFrom'] } {
  const conf = loadConf('asterisk.conf', { root, configDir: asteriskDir });
  const v = lastValue(conf, 'directories', 'astlogdir')?.value;
  if (v === undefined || v === '') return { dir: PATHS.defaultAsteriskLogDir, from: 'default' };
  if (!isAbsolute(v)) {
    problems.push(`asterisk.conf sets astlogdir to ${JSON.stringify(v)}, not an absolute path; assuming ${PATHS.defaultAsteriskLogDir}`);
    return { dir: PATHS.defaultAsteriskLogDir, from: 'default' };
  }
  return { dir: v.replace(/\/+$/, '') || '/', from: 'asterisk.conf' };
}

/** A sample date in `format` (the strftime subset Asterisk configs use), to test the parsers against. */
function sampleDate(format: string): string {
  const parts: Record<string, string> = {
    b: 'Nov', e: '24', d: '24', T: '18:05:31', F: '2026-11-24', Y: '2026', y: '26', m: '11',
    H: '18', M: '05', S: '31', z: '+0000', Z: 'UTC', '%': '%',
  };
  return format.replace(/%(\d?q|.)/g, (_, t: string) => (t.endsWith('q') ? '123456'.slice(0, Number(t[0] ?? 3) || 3) : parts[t] ?? `%${t}`));
}

function channelOf(name: string, value: string, file: string, line: number, ctx: { root: string; logDir: string; host: string | null }): LogChannel {
  let levelsText = value.trim();
  let formatter: string | null = null;
  const f = /^\[(\w*)\]\s*/.exec(levelsText);
  if (f) {
    formatter = f[1] ?? '';
    levelsText = levelsText.slice(f[0].length);
  }
  const levels = levelsText.split(',').map((l) => l.trim().toLowerCase().replace(/\(.*\)$/, '')).filter((l) => l !== '');
  const lower = name.toLowerCase();
  const isFile = lower !== 'console' && !lower.startsWith('syslog');
  let path: string | null = null;
  if (isFile) {
    const base = name.startsWith('/') ? name : join(ctx.logDir, name);
    path = ctx.host !== null ? `${base}.${ctx.host}` : base;
  }
  const all = levels.includes('*');
  return {
    name, path, levels, formatter,
    logsSecurity: all || levels.includes('security'),
    logsNotice: all || levels.includes('notice'),
    exists: path !== null && existsSync(onHost(ctx.root, path)),
    definedIn: { file, line },
  };
}

/** The `logger_logfiles_custom.conf` include under [logfiles], if logger.conf has one. */
function customInclude(tree: ConfTree, asteriskDir: string): string | null {
  const inc = tree.includes.find((i) => basename(i.target) === 'logger_logfiles_custom.conf' && i.section?.toLowerCase() === 'logfiles');
  if (!inc) return null;
  return isAbsolute(inc.target) ? inc.target : join(asteriskDir, inc.target);
}

/** Reads the logger configuration under `opts.root`. Never throws for content; problems are listed. */
export function detectLogger(opts: DetectOptions & { readonly hostnameDefault: string }): LoggerFacts {
  const root = opts.root ?? '/';
  const asteriskDir = opts.asteriskDir ?? PATHS.asteriskDir;
  const problems: string[] = [];
  const { dir: logDir, from: logDirFrom } = logDirOf(root, asteriskDir, problems);
  const tree = loadConf('logger.conf', { root, configDir: asteriskDir });
  problems.push(...tree.problems.map((p) => `${p.file}:${p.line}: ${p.message}`));
  const dateformat = lastValue(tree, 'general', 'dateformat')?.value ?? null;
  const appendHostname = astTrue(lastValue(tree, 'general', 'appendhostname')?.value);
  const ctx = { root, logDir, host: appendHostname ? (opts.hostname ?? opts.hostnameDefault) : null };
  const logfiles = sectionsNamed(tree, 'logfiles');
  const channels = logfiles.flatMap((s) => s.entries).map((e) => channelOf(e.key, e.value, e.file, e.line, ctx));
  const securityAll = channels.filter((c) => c.logsSecurity && c.path !== null);
  const security = securityAll.find((c) => c.name.toLowerCase() === 'security') ?? securityAll[0] ?? null;
  const dateformatSupported = !Number.isNaN(parseLogDate(sampleDate(dateformat ?? '%b %e %T'), opts.now ?? Date.now()));
  return {
    confFile: tree.entry, found: tree.found, files: tree.files, logDir, logDirFrom, dateformat, dateformatSupported,
    appendHostname, hostSuffix: ctx.host, channels, security, customFile: customInclude(tree, asteriskDir), endSection: tree.endSection,
    hasLogfilesSection: logfiles.length > 0, problems,
  };
}

/**
 * The files sipwarden should follow: the security channel's file, plus one file with
 * NOTICE lines (the security file itself if it has them, else `messages`, else a file
 * without debug/verbose traffic, else any). Logical paths, whether they exist yet or not.
 */
export function logsToFollow(facts: LoggerFacts, extraSecurityFile: string | null = null): string[] {
  const files = facts.channels.filter((c) => c.path !== null);
  const security = facts.security?.path ?? extraSecurityFile;
  const notices = files.filter((c) => c.logsNotice);
  const pick = (facts.security?.logsNotice ? facts.security : undefined)
    ?? notices.find((c) => c.name === 'messages')
    ?? notices.find((c) => !c.levels.includes('debug') && !c.levels.includes('verbose'))
    ?? notices[0];
  return [...new Set([security, pick?.path ?? null].filter((p): p is string => p !== null))];
}
