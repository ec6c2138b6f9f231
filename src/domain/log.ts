/**
 * The one logger interface: pino's shape (fields first, then the message), which the
 * daemon's pino logger satisfies and a test can fake with three functions. A module
 * asks only for the levels it uses, as `Pick<Log, 'warn' | 'error'>`.
 */
export interface Log {
  debug?(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}
