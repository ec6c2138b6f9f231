/** Public surface of the config module: the schema's types, the defaults, and loading. */
export { loadConfig, parseConfigText, defaultConfig, type LoadOptions, type LoadedConfig } from './load.js';
export { renderDefaultConfig } from './render.js';
export { DEFAULT_CONFIG_PATH, DEFAULT_ASTERISK_LOGS, DEFAULT_TIERS } from './defaults.js';
export { FAILURE_REASONS, FIREWALL_BACKENDS, type Config, type Tier, type AmiConfig } from './schema.js';
export type { ListenAddress } from './values.js';
export { editConfigText, writeConfigEdits, type ConfigEdit, type WriteBackResult } from './write-back.js';
