/** `/api/login` and `/api/session`: the credentials, and the session the dashboard keeps (its CSRF token for every change). */
import Type, { type Static } from 'typebox';
import { Closed } from './common.js';

/** `POST /api/login`. */
export const LoginBody = Closed({
  username: Type.String({ minLength: 1, maxLength: 200 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type LoginBody = Static<typeof LoginBody>;

/** A live session: who, the token to send in `x-csrf-token`, and how long it lives unused. */
export const Session = Closed({ user: Type.String(), csrfToken: Type.String(), expiresIdleMs: Type.Integer() });
export type Session = Static<typeof Session>;
