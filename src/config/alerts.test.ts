import { describe, expect, it } from 'vitest';
import { ALERT_KINDS } from '../alerts/kinds.js';
import { alertsFileForm } from './alerts.js';
import { parseConfigText } from './load.js';

const load = (yaml: string) => parseConfigText(yaml, 'sipwarden.yaml', { fileExists: () => false }).alerts;
const problem = (yaml: string) => {
  try {
    load(yaml);
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

describe('the alerts: section', () => {
  it('an older config (command and webhook only) stays valid, every new key at its default', () => {
    expect(load('alerts:\n  command: /usr/local/bin/notify-admin\n  webhook: https://hooks.example.net/x\n')).toEqual({
      command: '/usr/local/bin/notify-admin', webhook: 'https://hooks.example.net/x', email: null, kinds: [...ALERT_KINDS],
      quiet: 600_000, digestAfter: 5, digestWindow: 600_000, staleLog: 86_400_000,
    });
  });

  it('e-mail: the port follows security, and the file form loads back to the same settings', () => {
    const a = load('alerts:\n  email: { host: smtp.example.net, security: tls, user: pbx, password_file: /etc/sipwarden/smtp, from: pbx@example.net, to: [a@example.net] }\n  kinds: [permanent_ban, ami_lost]\n  stale_log: null\n');
    expect(a.email).toMatchObject({ port: 465, security: 'tls', passwordFile: '/etc/sipwarden/smtp', password: null });
    expect(a.kinds).toEqual(['permanent_ban', 'ami_lost']);
    const yaml = `alerts: ${JSON.stringify(alertsFileForm(a))}`;
    expect(load(yaml)).toEqual(a);
  });

  it('says what is wrong, at the key', () => {
    expect(problem('alerts:\n  kinds: [permanent_ban, bans]\n')).toContain('alert kinds, each one of');
    expect(problem('alerts:\n  email: { host: smtp.example.net, from: not-an-address, to: [a@example.net] }\n')).toContain('an e-mail address like');
    expect(problem('alerts:\n  email: { host: smtp.example.net, from: p@example.net, to: [] }\n')).toContain('at least one e-mail address');
    expect(problem('alerts:\n  email: { host: h, from: p@example.net, to: [a@example.net], password: x }\n')).toContain('no user');
    expect(problem('alerts:\n  email: { host: h, from: p@example.net, to: [a@example.net], user: u, password: x, password_file: /f }\n')).toContain('in one place');
    expect(problem('alerts:\n  digest_after: 0\n')).toContain('from 1 to 1000');
  });
});
