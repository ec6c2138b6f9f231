/** Where alerts link to: the dashboard's address as a person opens it. */
import os from 'node:os';
import type { Config } from '../config/index.js';

/**
 * `web.public_url` when set; else from `web.listen` (its scheme by `web.tls`), with this
 * host's name in place of a wildcard address (0.0.0.0, ::), since a link to those
 * reaches nobody. Always ends with `/`.
 */
export function dashboardUrl(web: Config['web'], host = os.hostname()): string {
  if (web.publicUrl) return web.publicUrl.endsWith('/') ? web.publicUrl : `${web.publicUrl}/`;
  const h = web.listen.host === '0.0.0.0' || web.listen.host === '::' ? host : web.listen.host;
  return `${web.tls ? 'https' : 'http'}://${h.includes(':') ? `[${h}]` : h}:${web.listen.port}/`;
}
