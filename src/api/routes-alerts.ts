/**
 * `/api/settings/alerts`: the alert settings (channels, kinds, de-duplication, digest)
 * read and changed like every other setting — validated by the config file's own
 * schema, handed to the daemon through `controls` (which saves them the way it saves
 * every setting, then the notifier uses them), written to the audit trail — and
 * `POST /api/settings/alerts/test`, a test alert through every channel in force, with
 * each channel's answer. The SMTP password never leaves the daemon: replies and the
 * audit trail say only whether one is set.
 */
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_KINDS, KIND_TITLES, Notifier } from '../alerts/index.js';
import { alertsFileForm, type AlertsConfig } from '../config/alerts.js';
import { configSchema } from '../config/schema.js';
import { formatDuration } from '../domain/index.js';
import { actorOf } from './auth.js';
import type { ApiDeps } from './deps.js';
import { invalid } from './errors.js';
import { ROUTES, type AlertSettings, type AlertSettingsBody } from './schemas/index.js';
import { schemaProblems } from './validation.js';

const AVAILABLE = ALERT_KINDS.map((kind) => ({ kind, title: KIND_TITLES[kind] }));

/** The settings as the page shows them: the config file's keys, the password only as `password_set`. */
export function alertsView(a: AlertsConfig): AlertSettings {
  const e = a.email;
  return {
    command: a.command, webhook: a.webhook,
    email: e && {
      host: e.host, port: e.port, security: e.security, user: e.user, password_set: e.password !== null || e.passwordFile !== null,
      password_file: e.passwordFile, from: e.from, to: [...e.to], ca: e.ca,
    },
    kinds: [...a.kinds], available: AVAILABLE, quiet: formatDuration(a.quiet), digest_after: a.digestAfter,
    digest_window: formatDuration(a.digestWindow), stale_log: a.staleLog === null ? null : formatDuration(a.staleLog),
  };
}

/**
 * Validates a change with the config schema. An e-mail body without `password` keeps
 * the password in force (unless it names a password file instead); null removes it.
 */
export function checkAlerts(body: AlertSettingsBody, current: AlertsConfig): AlertsConfig {
  let email: Record<string, unknown> | null = body.email;
  if (body.email && !('password' in body.email)) {
    const keep = body.email.password_file === null || body.email.password_file === undefined ? (current.email?.password ?? null) : null;
    email = { ...body.email, password: keep };
  }
  const raw = { ...body, email };
  const parsed = configSchema.safeParse({ alerts: raw }, { reportInput: true });
  if (!parsed.success) throw invalid(schemaProblems(parsed.error.issues, 'alerts'));
  return parsed.data.alerts;
}

/** What the audit trail keeps of the settings: everything but the password. */
function auditForm(a: AlertsConfig): Record<string, unknown> {
  const f = alertsFileForm(a);
  const email = f.email as Record<string, unknown> | null;
  return { ...f, email: email && { ...email, ...('password' in email ? { password: email.password === null ? null : '(set)' } : {}) } };
}

/** Registers the alert settings routes on the `/api` context. */
export function registerAlertRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const c = deps.controls;
  const test = deps.testAlert ?? ((s: AlertsConfig, actor: string) => new Notifier({ settings: s, log: app.log }).test(s, actor));

  api.get('/settings/alerts', { schema: ROUTES['GET /api/settings/alerts'] }, async () => alertsView(c.alerts()));

  api.put('/settings/alerts', { schema: ROUTES['PUT /api/settings/alerts'] }, async (req) => {
    const before = c.alerts();
    const next = checkAlerts(req.body, before);
    await c.setAlerts(next, actorOf(req));
    deps.store.addAudit({ at: deps.now(), actor: actorOf(req), action: 'alerts', detail: JSON.stringify({ from: auditForm(before), to: auditForm(c.alerts()) }) });
    return alertsView(c.alerts());
  });

  api.post('/settings/alerts/test', { schema: ROUTES['POST /api/settings/alerts/test'] }, async (req) => ({
    results: [...await test(c.alerts(), actorOf(req))],
  }));
}
