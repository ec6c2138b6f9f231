/**
 * Remote phones (issue 13): who may register from outside (`/api/settings/accounts`, the
 * config's `accounts.roaming` and `accounts.extensions_internal_only`) and "This is my
 * phone" on a ban an extension's use from outside made (`POST /api/bans/my-phone`).
 */
import Type, { type Static } from 'typebox';
import { Closed } from './common.js';

/** Roaming accounts (patterns: `?` one character, `*` any run) and the extensions-only switch, as in the config file. */
export const AccountsSettings = Closed({
  roaming: Type.Array(Type.String()),
  extensions_internal_only: Type.Boolean(),
});
export type AccountsSettings = Static<typeof AccountsSettings>;

/** `PUT /api/settings/accounts`: one pattern per line of the page; the config schema checks each. */
export const AccountsBody = Closed({
  roaming: Type.Array(Type.String({ maxLength: 300 }), { maxItems: 1000 }),
  extensions_internal_only: Type.Boolean(),
});
export type AccountsBody = Static<typeof AccountsBody>;

/**
 * `POST /api/bans/my-phone`: the banned address is the owner's phone using `account` (one
 * of the accounts the ban names). `roaming`: the account may register from anywhere;
 * `trust`: the address is never banned. At least one; then the ban is released.
 */
export const MyPhoneBody = Closed({
  ip: Type.String({ minLength: 1, maxLength: 100 }),
  account: Type.String({ minLength: 1, maxLength: 80 }),
  roaming: Type.Boolean(),
  trust: Type.Boolean(),
});
export type MyPhoneBody = Static<typeof MyPhoneBody>;

/** What "This is my phone" did, and one sentence saying it. */
export const MyPhone = Closed({
  ip: Type.String(),
  account: Type.String(),
  /** The account is roaming now (it was, or was made so). */
  roaming: Type.Boolean(),
  /** The address is trusted now. */
  trusted: Type.Boolean(),
  released: Type.Boolean(),
  message: Type.String(),
});
export type MyPhone = Static<typeof MyPhone>;
