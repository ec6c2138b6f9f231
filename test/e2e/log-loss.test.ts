/**
 * Asterisk's logger drops messages when its queue overflows (NOTICE lines first: the
 * failures sipwarden counts). Its own warning about it, read from a watched log by the
 * real daemon, raises ONE alert per episode — in the failed-auth log, through the
 * alert command, in `sipwarden status` and on the dashboard's health — and counts
 * nothing as a failure.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { sandbox, sipwarden, startDaemon, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Asterisk's default date for now (UTC in tests). */
function stamp(when = new Date()): string {
  const mon = when.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${mon} ${String(when.getUTCDate()).padStart(2, ' ')} ${when.toISOString().slice(11, 19)}`;
}

describe("Asterisk's logger dropping lines", () => {
  it('is said once per episode, in plain words, everywhere the owner looks', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const script = box.file('alert.sh');
    fs.writeFileSync(script, `#!/bin/sh\ncat >> ${box.file('alerts.jsonl')}\necho >> ${box.file('alerts.jsonl')}\n`, { mode: 0o755 });
    fs.appendFileSync(box.config, `\nalerts:\n  command: ${script}\n`);
    const d = startDaemon(box.config);
    cleanups.push(() => d.stop());
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'sipwarden running'))).toBe(true);

    fs.appendFileSync(box.file('messages'), [
      `[${stamp()}] WARNING[16583] logger: Log queue threshold (1000) exceeded.  Discarding new messages.`,
      `[${stamp()}] WARNING[16583] logger: Logging resumed.  4711 messages discarded.`,
      '',
    ].join('\n'));
    expect(await waitFor(() => fs.existsSync(box.file('alerts.jsonl')) && fs.readFileSync(box.file('alerts.jsonl'), 'utf8').includes('asterisk_dropped_lines'))).toBe(true);
    const faillog = fs.readFileSync(box.file('failed-auth.log'), 'utf8').split('\n').filter(Boolean);
    expect(faillog).toHaveLength(1);
    expect(faillog[0]).toMatch(/ ALERT kind=asterisk_dropped_lines .*Asterisk dropped log lines \(its logger queue overflowed, logger_queue_limit 1000\): failed logins in that gap were never written/);
    const alert = JSON.parse(fs.readFileSync(box.file('alerts.jsonl'), 'utf8').split('\n')[0] as string) as Record<string, unknown>;
    expect(alert).toMatchObject({ kind: 'asterisk_dropped_lines', service: 'logger' });

    // The heartbeat (every second) carries the totals to `sipwarden status`.
    expect(await waitFor(() => sipwarden(['status', '--config', box.config]).stdout.includes('Asterisk logger: DROPPED 4711 log lines (1 time)'))).toBe(true);
    expect(JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout).asteriskLoss).toMatchObject({ dropped: 4711, episodes: 1 });
  }, 30_000);
});
