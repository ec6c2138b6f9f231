/** Public surface of the HTTP API: the server, what it needs from the daemon, passwords and statistics. */
export { createApiServer, startApiServer, DEFAULT_WEB_ROOT, type ApiOptions } from './server.js';
export type { ApiDeps, Controls, Health, SourceHealth, AmiHealth, NetworkSettings, StoreHealth, SubnetSettings, AccountSettings } from './deps.js';
export { SettingsControls, type LiveSettings, type ApplySettings } from './controls.js';
export { FailureBus } from './failure-bus.js';
export { ensureAdminPassword, setAdminPassword, hashPassword, verifyPassword, ADMIN_USER, MIN_PASSWORD_LENGTH, PASSWORD_META_KEY } from './password.js';
export { computeStats, type Stats } from './stats.js';
export { openReadModel, type ReadModel } from './read-model.js';
export { createBanSearch, type BanPage, type SearchBans } from './ban-search.js';
export { ApiError } from './errors.js';
export type { LoginLimit } from './auth.js';
