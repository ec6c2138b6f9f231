/** Public surface of the store: the `Store` class, its data shapes and limits. */
export { Store } from './store.js';
export { SCHEMA_VERSION } from './migrations.js';
export { BUSY_TIMEOUT_MS } from './db.js';
export * from './types.js';
