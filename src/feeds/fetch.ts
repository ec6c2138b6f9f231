/**
 * One bounded HTTP GET for a feed: a timeout, a cap on the body (a feed that sends a
 * gigabyte is cut off, not read), redirects followed by fetch itself, and errors said
 * without the URL — an APIBAN URL holds the key, which is never logged.
 */

/** What came back: the status, the body (text), and how long the server asked us to wait (ms), if it did. */
export interface FetchedText {
  readonly status: number;
  readonly body: string;
  readonly retryAfterMs: number | null;
}

/** A feed could not be read; `message` is one line for a person and holds no URL. */
export class FeedFetchError extends Error {
  constructor(message: string, readonly retryAfterMs: number | null = null) {
    super(message);
    this.name = 'FeedFetchError';
  }
}

export interface FetchOptions {
  /** Largest body read, bytes. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
  /** Aborts the request (the daemon stopping). */
  readonly signal?: AbortSignal;
}

/** `Retry-After` as ms: seconds or an HTTP date; null when absent or unreadable; at most a day. */
export function retryAfter(value: string | null, now: number): number | null {
  if (value === null) return null;
  const v = value.trim();
  const ms = /^\d{1,9}$/.test(v) ? Number(v) * 1000 : Date.parse(v) - now;
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 86_400_000) : null;
}

/** GETs `url` (see the module comment). Throws FeedFetchError; never includes the URL. */
export async function fetchText(url: string, opts: FetchOptions, now: number): Promise<FetchedText> {
  const signals = [AbortSignal.timeout(opts.timeoutMs), ...(opts.signal ? [opts.signal] : [])];
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.any(signals), headers: { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', 'user-agent': 'sipwarden' } });
  } catch (e) {
    throw new FeedFetchError(`cannot reach it: ${reason(e)}`);
  }
  const wait = retryAfter(res.headers.get('retry-after'), now);
  const body = await readCapped(res, opts.maxBytes);
  return { status: res.status, body, retryAfterMs: wait };
}

async function readCapped(res: Response, maxBytes: number): Promise<string> {
  const length = Number(res.headers.get('content-length'));
  if (Number.isFinite(length) && length > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw new FeedFetchError(`its answer is too large (${length} bytes; at most ${maxBytes} are read)`);
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new FeedFetchError(`its answer is too large (more than ${maxBytes} bytes)`);
      }
      chunks.push(value);
    }
  } catch (e) {
    if (e instanceof FeedFetchError) throw e;
    throw new FeedFetchError(`the answer broke off: ${reason(e)}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A network error's cause in a few words (undici puts the useful part in `cause`), without any URL. */
function reason(e: unknown): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'no answer in time';
  if (err.name === 'AbortError') return 'stopped';
  const text = err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
  return text.replace(/\w+:\/\/\S*/g, '<url>').slice(0, 120);
}
