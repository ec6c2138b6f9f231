/** Who decided a ban: this PBX's policy, another PBX of the cluster, a blocklist feed, or a person. */
import type { Ban } from '../types';
import { visible } from '../text';

/** The kinds of origin, for the Blocked page's filter. */
export type OriginKind = 'policy' | 'cluster' | 'feed' | 'person';

/** The kind of a ban's origin (`createdBy`: `cluster:<node>`, `feed:<name>`, `cli:…`/`web:…`/`dashboard:…`, or null). */
export function originKind(b: Pick<Ban, 'createdBy' | 'source'>): OriginKind {
  const by = b.createdBy ?? '';
  if (by.startsWith('cluster:')) return 'cluster';
  if (by.startsWith('feed:')) return 'feed';
  return by === '' && b.source !== 'manual' ? 'policy' : 'person';
}

/** The origin in plain words (`another PBX: pbx-b`, `feed: spamhaus`, `admin (dashboard)`, `this PBX`). */
export function originText(b: Pick<Ban, 'createdBy' | 'source'>): string {
  const by = b.createdBy ?? '';
  const rest = visible(by.slice(by.indexOf(':') + 1));
  switch (originKind(b)) {
    case 'cluster': return `another PBX: ${rest}`;
    case 'feed': return `feed: ${rest}`;
    case 'policy': return 'this PBX';
    case 'person': {
      if (by.startsWith('cli:')) return `${rest} (command line)`;
      if (by.startsWith('web:') || by.startsWith('dashboard:')) return `${rest.replace(/@.*$/, '')} (dashboard)`;
      return by ? visible(by) : 'by hand';
    }
  }
}

/** The origin as a small labelled badge. */
export function Origin({ ban }: { ban: Pick<Ban, 'createdBy' | 'source'> }) {
  return <span className={`origin origin-${originKind(ban)}`}>{originText(ban)}</span>;
}
