/**
 * The API's request and reply schemas, written once (TypeBox: JSON Schema values with
 * their static types). The server validates with them; the dashboard derives its types
 * from them with `import type` only. Nothing here imports Node or server code.
 */
export * from './common.js';
export * from './bans.js';
export * from './failures.js';
export * from './settings.js';
export * from './alerts.js';
export * from './geo-settings.js';
export * from './phone.js';
export * from './status.js';
export * from './session.js';
export * from './calls.js';
export * from './cluster.js';
export * from './export.js';
export * from './routes.js';
