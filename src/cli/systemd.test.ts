import { describe, expect, it, vi } from 'vitest';
import { journalLine, stdoutIsJournal, syslogPriority, systemdNotifier } from './systemd.js';

describe('journal lines', () => {
  it('writes the message, then the fields, behind the syslog priority of the level', () => {
    expect(journalLine('{"level":30,"time":1,"pid":7,"name":"sipwarden","backend":"nftables","protection":"on","bans":3,"msg":"sipwarden running"}'))
      .toBe('<6>sipwarden running backend=nftables protection=on bans=3');
    expect(journalLine('{"level":40,"msg":"cannot reach the AMI","err":"connect ECONNREFUSED 127.0.0.1:5038"}'))
      .toBe('<4>cannot reach the AMI err="connect ECONNREFUSED 127.0.0.1:5038"');
    expect([10, 20, 30, 40, 50, 60].map(syslogPriority)).toEqual([7, 7, 6, 4, 3, 2]);
  });

  it('escapes attacker text: no control, C1 or bidi character reaches the journal, no second line', () => {
    const rec = JSON.stringify({ level: 50, msg: 'extension compromised', account: '100\u009b31m\u202e\nFAKE line' });
    const line = journalLine(rec);
    expect(line).toBe('<3>extension compromised account="100\\u009b31m\\u202e\\nFAKE line"');
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
  });

  it('objects become JSON; a line that is not JSON is passed on escaped at info', () => {
    expect(journalLine('{"level":30,"msg":"watching","files":["/var/log/asterisk/full"]}')).toBe('<6>watching files=["/var/log/asterisk/full"]');
    expect(journalLine('not json \u001b[2J')).toBe('<6>not json \\u001b[2J');
  });

  it('is the journal only when JOURNAL_STREAM names stdout itself', () => {
    expect(stdoutIsJournal({})).toBe(false);
    expect(stdoutIsJournal({ JOURNAL_STREAM: '1:2' })).toBe(false);
  });
});

describe('systemd notifications', () => {
  it('sends nothing without NOTIFY_SOCKET', () => {
    const sent: string[][] = [];
    const n = systemdNotifier({}, (a) => sent.push(a));
    n.notify('READY=1');
    n.watchdog()();
    expect(n.active).toBe(false);
    expect(sent).toEqual([]);
  });

  it('sends READY=1, and WATCHDOG=1 every third of WATCHDOG_USEC until stopped', () => {
    vi.useFakeTimers();
    try {
      const sent: string[][] = [];
      const n = systemdNotifier({ NOTIFY_SOCKET: '/run/systemd/notify', WATCHDOG_USEC: '60000000', WATCHDOG_PID: String(process.pid) }, (a) => sent.push(a));
      n.notify('READY=1', 'STATUS=protecting');
      const stop = n.watchdog();
      vi.advanceTimersByTime(60_000);
      stop();
      vi.advanceTimersByTime(60_000);
      expect(sent).toEqual([['READY=1', 'STATUS=protecting'], ['WATCHDOG=1'], ['WATCHDOG=1'], ['WATCHDOG=1']]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('no watchdog pings meant for another process', () => {
    const sent: string[][] = [];
    const n = systemdNotifier({ NOTIFY_SOCKET: '/x', WATCHDOG_USEC: '3000000', WATCHDOG_PID: '1' }, (a) => sent.push(a));
    n.watchdog()();
    expect(sent).toEqual([]);
  });
});
