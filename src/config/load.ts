/**
 * Reading the config: one YAML file, or none at all (every key has a default).
 * Expected failures are `SipwardenError`s — `CONFIG_UNREADABLE` when the file cannot
 * be read, `CONFIG_INVALID` with the file, the place and the problem when it is wrong.
 * The only I/O is reading the file and asking whether files exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { SipwardenError } from '../domain/index.js';
import { DEFAULT_ASTERISK_LOGS, DEFAULT_CONFIG_PATH } from './defaults.js';
import { schemaError, unreadableError, yamlError } from './format.js';
import { asConfig, configSchema, type Config } from './schema.js';

/** What loading may ask of the file system; tests replace it. */
export interface LoadOptions {
  /** Whether a file exists (for the default config path and the default Asterisk logs). Default `fs.existsSync`. */
  readonly fileExists?: (path: string) => boolean;
}

/** A loaded config and the file it came from (null: no file, all defaults). */
export interface LoadedConfig {
  readonly path: string | null;
  readonly config: Config;
}

/**
 * Loads the config from `path`, or when `path` is undefined from the default path if
 * that file exists, else returns the defaults. Throws `CONFIG_UNREADABLE` if a file to
 * be read cannot be, `CONFIG_INVALID` if it is not valid YAML or not a valid config.
 */
export function loadConfig(path: string | undefined, opts: LoadOptions = {}): LoadedConfig {
  const fileExists = opts.fileExists ?? existsSync;
  if (path === undefined && !fileExists(DEFAULT_CONFIG_PATH)) return { path: null, config: defaultConfig(opts) };
  const file = path ?? DEFAULT_CONFIG_PATH;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw unreadableError(file, err);
  }
  return { path: file, config: parseConfigText(text, file, opts) };
}

/**
 * Parses and validates config text; `source` names it in error messages (a path).
 * An empty document (or only comments) means all defaults. Throws `CONFIG_INVALID`.
 */
export function parseConfigText(text: string, source: string, opts: LoadOptions = {}): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, logLevel: 'error' });
  if (doc.errors.length > 0) throw yamlError(source, doc.errors, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    // Unresolved aliases and alias bombs surface only here, without a position.
    throw new SipwardenError('CONFIG_INVALID', `config error in ${source}: invalid YAML: ${(err as Error).message}`);
  }
  return normalise(value ?? {}, source, opts);
}

/** The configuration with every key at its default (the Asterisk logs: the default files that exist). */
export function defaultConfig(opts: LoadOptions = {}): Config {
  return normalise({}, '(built-in defaults)', opts);
}

/** Validates a plain value as read from YAML and resolves what the schema leaves to the host. */
function normalise(value: unknown, source: string, opts: LoadOptions): Config {
  const parsed = configSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw schemaError(source, parsed.error.issues);
  const fileExists = opts.fileExists ?? existsSync;
  const logs = parsed.data.asterisk.logs ?? DEFAULT_ASTERISK_LOGS.filter((p) => fileExists(p));
  return asConfig(parsed.data, logs);
}
