import { describe, expect, it } from 'vitest';
import { formatRecord, logDestination, logStyle } from './logging.js';

const rec = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: Date.UTC(2026, 11, 7, 10, 0, 0), pid: 7, name: 'sipwarden', ...o });

describe('log.format', () => {
  it('auto: journal lines under journald, text on a terminal, JSON elsewhere; json and text when asked', () => {
    const styles = (format: 'auto' | 'json' | 'text') => [
      logStyle(format, { journal: true, tty: false }), logStyle(format, { journal: false, tty: true }), logStyle(format, { journal: false, tty: false }),
    ];
    expect(styles('auto')).toEqual(['journal', 'text', 'json']);
    expect(styles('text')).toEqual(['journal', 'text', 'text']);
    expect(styles('json')).toEqual(['json', 'json', 'json']);
  });
});

describe('the lines', () => {
  it('journal: the syslog priority of the level, the message, the fields; no time (journald adds it)', () => {
    expect(formatRecord(rec({ level: 40, msg: 'protection is OFF: attacks are detected and logged, nothing is blocked' }), 'journal'))
      .toBe('<4>protection is OFF: attacks are detected and logged, nothing is blocked');
    expect(formatRecord(rec({ level: 50, msg: 'firewall change failed', err: 'nft: exit 1' }), 'journal')).toBe('<3>firewall change failed err="nft: exit 1"');
    expect(formatRecord(rec({ msg: 'sipwarden running', backend: 'nftables', bans: 3 }), 'journal')).toBe('<6>sipwarden running backend=nftables bans=3');
  });

  it('text: the time and the level in words before the same line', () => {
    expect(formatRecord(rec({ level: 40, msg: 'cannot reach the AMI', err: 'ECONNREFUSED' }), 'text'))
      .toBe('2026-12-07T10:00:00.000Z WARN  cannot reach the AMI err=ECONNREFUSED');
    expect(formatRecord(rec({ msg: 'sipwarden running', bans: 0 }), 'text')).toBe('2026-12-07T10:00:00.000Z INFO  sipwarden running bans=0');
  });

  it('json: the record as pino wrote it', () => {
    const r = rec({ msg: 'sipwarden running' });
    expect(formatRecord(r, 'json')).toBe(r);
  });

  it('the first-start password is one clear line, said once', () => {
    const pw = 'Xq3-7hTz_pLm9RkW2vYc';
    const r = rec({ level: 40, password: pw, msg: `dashboard password generated for user admin: ${pw} (shown once; set your own with: sipwarden passwd)` });
    expect(formatRecord(r, 'journal')).toBe(`<4>dashboard password generated for user admin: ${pw} (shown once; set your own with: sipwarden passwd)`);
    expect(formatRecord(r, 'text')).toBe(`2026-12-07T10:00:00.000Z WARN  dashboard password generated for user admin: ${pw} (shown once; set your own with: sipwarden passwd)`);
    expect(JSON.parse(formatRecord(r, 'json')).password).toBe(pw);
  });

  it('attacker text stays escaped in every style: no C0, C1 or bidi character, never a second line', () => {
    const account = '100\u009b31m\u202eFAKE\n2026-12-07T10:00:00.000Z INFO  released';
    for (const style of ['journal', 'text'] as const) {
      const line = formatRecord(rec({ level: 50, msg: 'extension compromised', account }), style);
      expect(line).toContain('account="100\\u009b31m\\u202eFAKE\\n2026');
      expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
    const out: string[] = [];
    logDestination('text', { write: (s: string) => out.push(s) })!.write(`${rec({ msg: `hostile \u009b${'\u202e'}` })}\nnot json \u001b[2J\n`);
    expect(out).toEqual(['2026-12-07T10:00:00.000Z INFO  hostile \\u009b\\u202e\n', 'not json \\u001b[2J\n']);
  });
});
