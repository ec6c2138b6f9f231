/**
 * Where a feed's text and key come from: its URL or file, and APIBAN's key from the
 * config, an environment variable or a file. Errors are one line for a person and never
 * hold the key (nor a URL, which for APIBAN holds it).
 */
import { readFile, stat } from 'node:fs/promises';
import type { FeedConfig, FeedKey } from '../config/feeds.js';
import { FeedFetchError, fetchText } from './fetch.js';

/** Largest list read (bytes): a million IPv4 lines fit. */
export const MAX_LIST_BYTES = 32 * 1024 * 1024;

/** The APIBAN key, or FeedFetchError saying where it should have been. */
export async function readKey(key: FeedKey | null, env: NodeJS.ProcessEnv): Promise<string> {
  let value: string | undefined;
  if (key?.from === 'value') value = key.value;
  else if (key?.from === 'env') {
    value = env[key.name];
    if (value === undefined) throw new FeedFetchError(`the environment variable ${key.name} (its key) is not set`);
  } else if (key?.from === 'file') {
    try {
      value = (await readFile(key.path, 'utf8')).slice(0, 4096);
    } catch (e) {
      throw new FeedFetchError(`cannot read its key file ${JSON.stringify(key.path)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const k = value?.trim() ?? '';
  if (!/^[\x21-\x7e]{1,256}$/.test(k)) throw new FeedFetchError('its key is empty or not one word of printable characters');
  return k;
}

/** A list feed's text: fetched from its URL (HTTP 200 only) or read from its file. */
export async function readListText(feed: FeedConfig, now: number, signal?: AbortSignal, timeoutMs = 60_000): Promise<string> {
  if (feed.file !== null) {
    try {
      const s = await stat(feed.file);
      if (s.size > MAX_LIST_BYTES) throw new FeedFetchError(`its file is too large (${s.size} bytes; at most ${MAX_LIST_BYTES} are read)`);
      return await readFile(feed.file, 'utf8');
    } catch (e) {
      if (e instanceof FeedFetchError) throw e;
      throw new FeedFetchError(`cannot read its file ${JSON.stringify(feed.file)}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    }
  }
  const r = await fetchText(feed.url ?? '', { maxBytes: MAX_LIST_BYTES, timeoutMs, ...(signal ? { signal } : {}) }, now);
  if (r.status !== 200) throw new FeedFetchError(`its server answered HTTP ${r.status}`, r.status === 429 || r.status >= 500 ? r.retryAfterMs : null);
  return r.body;
}
