/** Public surface of the domain: types and pure helpers shared by every module. */
export * from './ip.js';
export * from './events.js';
export * from './duration.js';
export * from './errors.js';
export * from './strings.js';
