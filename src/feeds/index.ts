/** Blocklist feeds (README "Blocklist feeds"): APIBAN and plain lists imported as bans of origin `feed:<name>`. */
export { FeedPoller, lastIdKey, type FeedHealth, type FeedPollerDeps } from './poller.js';
export { FeedBans, originOf, type FeedBansDeps } from './apply.js';
export { parseList, parseLine, admissible, type ParsedList, type Widest } from './list.js';
export { createFeeds, feedsWanted, type FeedsDeps } from './create.js';
