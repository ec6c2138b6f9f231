/**
 * `/api/settings/alerts`: where alerts go (program, webhook, e-mail), which kinds, and
 * how a flood is held back, with the config file's keys; and the test alert. The SMTP
 * password is never sent back (`password_set` says whether there is one); a body
 * without `password` keeps the one in force. Leaf values are checked by the config
 * file's own schema (the same words as a bad config file).
 */
import Type, { type Static } from 'typebox';
import { Closed, Nullable } from './common.js';

/** Text or null, as sent (a union would let the validator turn null into ""). */
const TEXT_OR_NULL = Type.Unsafe<string | null>({ type: ['string', 'null'], maxLength: 2000 });
/** A value the config schema checks (a number or text while a person edits it). */
const LEAF = Type.Unsafe<string | number | boolean | null>({ type: ['string', 'number', 'boolean', 'null'], maxLength: 2000 });

/** E-mail settings as shown: the password only as `password_set`. */
export const AlertEmail = Closed({
  host: Type.String(),
  port: Type.Integer(),
  security: Type.Enum(['starttls', 'tls', 'none'], { type: 'string' }),
  user: Nullable(Type.String()),
  password_set: Type.Boolean(),
  password_file: Nullable(Type.String()),
  from: Type.String(),
  to: Type.Array(Type.String()),
  ca: Nullable(Type.String()),
});
export type AlertEmail = Static<typeof AlertEmail>;

/** One kind a person may opt in to, with its plain-words title. */
export const AlertKindInfo = Closed({ kind: Type.String(), title: Type.String() });
export type AlertKindInfo = Static<typeof AlertKindInfo>;

/** `GET /api/settings/alerts`. */
export const AlertSettings = Closed({
  command: Nullable(Type.String()),
  webhook: Nullable(Type.String()),
  email: Nullable(AlertEmail),
  /** The kinds sent. */
  kinds: Type.Array(Type.String()),
  /** Every kind there is, in the settings page's order. */
  available: Type.Array(AlertKindInfo),
  quiet: Type.String(),
  digest_after: Type.Integer(),
  digest_window: Type.String(),
  stale_log: Nullable(Type.String()),
});
export type AlertSettings = Static<typeof AlertSettings>;

/** `PUT /api/settings/alerts`: e-mail's `password` absent keeps the one in force, null removes it. */
export const AlertSettingsBody = Closed({
  command: TEXT_OR_NULL,
  webhook: TEXT_OR_NULL,
  email: Nullable(Closed({
    host: LEAF, port: Type.Optional(LEAF), security: LEAF, user: LEAF,
    password: Type.Optional(TEXT_OR_NULL), password_file: LEAF,
    from: LEAF, to: Type.Array(LEAF, { maxItems: 20 }), ca: LEAF,
  })),
  kinds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 }),
  quiet: LEAF,
  digest_after: LEAF,
  digest_window: LEAF,
  stale_log: LEAF,
});
export type AlertSettingsBody = Static<typeof AlertSettingsBody>;

/** How one channel fared with the test alert. */
export const TestAlertResult = Closed({
  channel: Type.Enum(['command', 'webhook', 'email'], { type: 'string' }),
  /** Where it went: the program, the URL without credentials, smtp://host:port. */
  target: Type.String(),
  ok: Type.Boolean(),
  error: Nullable(Type.String()),
});
export type TestAlertResult = Static<typeof TestAlertResult>;

/** `POST /api/settings/alerts/test`: one result per enabled channel (none: no channel is set). */
export const TestAlertReply = Closed({ results: Type.Array(TestAlertResult) });
export type TestAlertReply = Static<typeof TestAlertReply>;
