/**
 * Test support: a real HTTP server on 127.0.0.1 (random port) playing the feeds — APIBAN
 * (`/api/<KEY>/banned/<ID>` answered from a table of pages, "no new bans" as APIBAN sends
 * it, 429s on demand) and plain lists (`/lists/<name>`, text the test changes between
 * polls). Records every request path.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** APIBAN's answers: the page after each ID (`ips`, the next `ID`); an ID without one answers "no new bans". */
  readonly pages: Map<string, { ips: unknown[]; next: string }>;
  /** The key APIBAN accepts. */
  key: string;
  /** Answer the next N APIBAN requests 429 with this Retry-After (seconds). */
  rateLimit: { count: number; retryAfter: string };
  /** Plain lists by name: body and status. */
  readonly lists: Map<string, { status: number; body: string }>;
  /** Every request's path, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts the server; close it after the test. */
export async function startFeedServer(): Promise<FeedServer> {
  const state = {
    pages: new Map<string, { ips: unknown[]; next: string }>(),
    key: 'k3y-0123456789abcdef',
    rateLimit: { count: 0, retryAfter: '120' },
    lists: new Map<string, { status: number; body: string }>(),
    requests: [] as string[],
  };
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    state.requests.push(path);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const api = /^\/api\/([^/]+)\/banned\/([^/]+)$/.exec(path);
    if (api) {
      if (state.rateLimit.count > 0) {
        state.rateLimit.count--;
        return json(429, { ipaddress: 'rate limit exceeded', ID: 'none' }, { 'retry-after': state.rateLimit.retryAfter });
      }
      if (decodeURIComponent(api[1] as string) !== state.key) return json(400, { ipaddress: ['unauthorized'], ID: 'unauthorized' });
      const page = state.pages.get(decodeURIComponent(api[2] as string));
      if (!page) return json(400, { ipaddress: ['no new bans'], ID: 'none' });
      return json(200, { ipaddress: page.ips, ID: page.next });
    }
    const list = /^\/lists\/([\w.-]+)$/.exec(path);
    const entry = list ? state.lists.get(list[1] as string) : undefined;
    if (entry) {
      res.writeHead(entry.status, { 'content-type': 'text/plain' });
      return res.end(entry.body);
    }
    res.writeHead(404, { 'content-type': 'text/html' });
    res.end('<html><body>not found</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  });
}

/** `n` distinct addresses of a documentation /24 per 250 (203.0.113.x, 198.51.100.x, 192.0.2.x, then 100.0.x.y). */
export function addresses(from: number, n: number): string[] {
  const bases = ['203.0.113', '198.51.100', '192.0.2'];
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const base = bases[Math.floor(k / 250)];
    return base ? `${base}.${(k % 250) + 1}` : `45.${Math.floor(k / 250) % 256}.${Math.floor(k / 65536) % 256}.${(k % 250) + 1}`;
  });
}
