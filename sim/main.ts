#!/usr/bin/env node
/**
 * CLI for the PBX simulator (demo and manual testing):
 *
 *   node dist/sim/main.js --sip 127.0.0.1:5060 [--sip [::1]:5060] --ami 127.0.0.1:5038 \
 *     --logs /tmp/x --accounts 100:secret,101:secret [--ami-user sipwarden:secret] \
 *     [--date-format iso] [--banner]
 *
 * Writes <logs>/messages, <logs>/security and <logs>/full. Prints one JSON line with the
 * bound ports once ready. SIGINT/SIGTERM stop it; SIGHUP reopens the logs.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseHostPort, parsePairs } from './cli-args.js';
import { startPbx, type SimAccount, type SipBind } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sip: { type: 'string', multiple: true },
      ami: { type: 'string' },
      'ami-user': { type: 'string', default: 'sipwarden:sipwarden' },
      logs: { type: 'string' },
      accounts: { type: 'string', default: '' },
      'date-format': { type: 'string', default: 'default' },
      banner: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.sip || values.sip.length === 0) throw new Error('--sip HOST:PORT is required');
  if (!values.logs) throw new Error('--logs DIR is required');
  const format = values['date-format'];
  if (format !== 'default' && format !== 'iso') throw new Error(`--date-format must be default or iso, got '${format}'`);
  const sip: SipBind[] = values.sip.map((s) => parseHostPort(s));
  const accounts: SimAccount[] = parsePairs(values.accounts ?? '', 'accounts');
  const dir = values.logs;
  const pbx = await startPbx({
    sip,
    ami: values.ami
      ? {
          ...parseHostPort(values.ami),
          users: parsePairs(values['ami-user'] ?? '', 'ami-user').map((u) => ({ username: u.name, secret: u.secret })),
        }
      : undefined,
    accounts,
    logs: { messages: path.join(dir, 'messages'), security: path.join(dir, 'security'), full: path.join(dir, 'full') },
    dateFormat: format,
    banner: values.banner ?? false,
  });
  process.stdout.write(`${JSON.stringify({ ready: true, sip: pbx.sipListeners, ami: pbx.amiPort, logs: dir })}\n`);
  const shutdown = (): void => {
    void pbx.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGHUP', () => pbx.reopenLogs());
}

main().catch((err: unknown) => {
  process.stderr.write(`sipwarden-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
