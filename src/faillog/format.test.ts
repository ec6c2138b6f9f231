import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isUnsafeChar } from '../domain/strings.js';
import { FailedAuthLog, formatFailure, formatInjection, quote } from './index.js';

const base = {
  at: Date.UTC(2026, 10, 24, 18, 6, 45, 446), ip: '203.0.113.9', port: 5092, service: 'PJSIP', account: '100',
  reason: 'wrong_password', zone: 'external', counts: [{ n: 2, within: '1h' }, { n: 2, within: '24h' }],
  action: 'banned', tier: 1, until: Date.UTC(2026, 10, 24, 19, 6, 45, 446), decoys: [], source: '/var/log/asterisk/messages', line: 51,
};

describe('failed-auth log lines', () => {
  it('has every field a PBX admin needs, on one line', () => {
    expect(formatFailure(base)).toBe(
      '2026-11-24T18:06:45.446Z FAILED ip=203.0.113.9 port=5092 service=PJSIP account="100" reason=wrong_password zone=external counts=2/1h,2/24h action=banned tier=1 until=2026-11-24T19:06:45.446Z source="/var/log/asterisk/messages":51',
    );
  });

  it('cannot be broken or forged by attacker text', () => {
    const hostile = '100"\n2026-11-24T18:00:00.000Z FAILED ip=198.51.100.7 \r\x1b[31m\u2028<img src=x onerror=alert(1)>\\';
    const line = formatFailure({ ...base, account: hostile, decoys: ['198.51.100.7', 'x"y'] });
    expect(line).not.toMatch(/[\n\r\x1b\u2028]/);
    const unquoted = line.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    expect(unquoted.split(' FAILED ').length).toBe(2);
    expect(line).toContain('account="100\\"\\x0a2026-11-24T18:00:00.000Z FAILED ip=198.51.100.7 \\x0d\\x1b[31m\\u2028<img src=x onerror=alert(1)>\\\\"');
    expect(line).toContain('injected="198.51.100.7,x\\"y"');
    // The only unquoted ip= field is the real one.
    expect(line.replace(/"(?:[^"\\]|\\.)*"/g, '""').match(/ ip=\S+/g)).toEqual([' ip=203.0.113.9']);
  });

  it('escapes C1 controls and bidirectional overrides in attacker text too (U+009B is a CSI, U+202E reverses the line)', () => {
    const line = formatFailure({ ...base, account: '100\u009b2J\u202e\u2067evil\u2069\u200f' });
    expect(line).toContain('account="100\\x9b2J\\u202e\\u2067evil\\u2069\\u200f"');
    expect(line).not.toMatch(/[\u0080-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });

  it('leaves a character as it is exactly when it is neither a quote, a backslash nor unsafe (the fast path agrees with the escaper)', () => {
    const wrong: string[] = [];
    let escaped = 0;
    for (let c = 0; c <= 0xffff; c++) {
      const ch = String.fromCharCode(c);
      const must = c === 0x22 || c === 0x5c || isUnsafeChar(c);
      if (must) escaped++;
      if ((quote(`a${ch}b`) !== `"a${ch}b"`) !== must) wrong.push(`U+${c.toString(16)}`);
    }
    expect(wrong).toEqual([]);
    expect(escaped).toBe(2 + 32 + 33 + 1 + 2 + 2 + 5 + 4); // quote, backslash, C0, DEL+C1, U+061C, U+200E/F, U+2028/9, U+202A-E, U+2066-9
  });

  it('cuts very long text', () => {
    expect(quote('a'.repeat(10_000)).length).toBeLessThan(140);
  });

  it('writes an injection note without choosing an address', () => {
    expect(formatInjection({ at: base.at, service: 'PJSIP', candidates: ['198.51.100.7', '203.0.113.9'], source: 'messages', line: 3 })).toBe(
      '2026-11-24T18:06:45.446Z INJECTION service=PJSIP candidates="198.51.100.7,203.0.113.9" action=ignored source="messages":3',
    );
  });

  it('reopens after logrotate renamed the file, losing nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sw-faillog-'));
    const file = path.join(dir, 'sub', 'failed-auth.log');
    const log = new FailedAuthLog(file);
    log.write('one');
    await new Promise((r) => setTimeout(r, 20));
    fs.renameSync(file, `${file}.1`);
    log.write('two'); // still goes to the renamed file until reopened
    log.reopen();
    log.write('three');
    await log.close();
    expect(fs.readFileSync(`${file}.1`, 'utf8')).toBe('one\ntwo\n');
    expect(fs.readFileSync(file, 'utf8')).toBe('three\n');
    fs.rmSync(dir, { recursive: true });
  });
});
