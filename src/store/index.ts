/** Public surface of the store: the `Store` class, its data shapes and limits, and its fault handling. */
export { Store, type StoreOptions } from './store.js';
export type { ActiveOrigin } from './bans.js';
export { SCHEMA_VERSION } from './migrations.js';
export { BUSY_TIMEOUT_MS } from './db.js';
export { classifyFault, faultAdvice, FaultTracker, isCorruption, type FaultCause, type FaultEpisode, type FaultKind, type FaultTrackerOptions } from './fault.js';
export { fileStamp, openStoreResilient, type OpenedStore, type ResilientOpenOptions } from './open.js';
export { salvageInto, type Salvaged } from './salvage.js';
export { StoreWriter, WRITER_BATCH_KEY, type WriterBatch } from './writer-thread.js';
export * from './types.js';
