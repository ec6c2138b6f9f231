/**
 * bench/compare's CrowdSec yardsticks: what it reads from CrowdSec's own output (the Local
 * API's decision lines, the agent's metrics) and the lines its live attackers write,
 * checked against the peer's own parser file (bench/peers/crowdsec, unmodified).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decisionOf, HUB_FILES, PEER_DIR, parseDecisions, parseMetrics } from './crowdsec.mjs';
import { LiveLog } from './live.mjs';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sipwarden-bench-cs-test-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// Lines as crowdsec 1.4.6 printed them in a replay (its Local API logs each decision it makes).
const LAPI = [
  'time="07-12-2026 11:11:19" level=info msg="(bench/crowdsec) crowdsecurity/asterisk_bf by ip 24.95.96.106 : 4h ban on Ip 24.95.96.106"',
  'time="07-12-2026 11:11:19" level=info msg="(bench/crowdsec) crowdsecurity/asterisk_user_enum by ip 24.95.96.106 : 4h ban on Ip 24.95.96.106"',
  'time="07-12-2026 11:11:19" level=info msg="127.0.0.1 - [Mon, 07 Dec 2026 11:11:19 UTC] \\"POST /v1/alerts HTTP/1.1 201 5.965736ms \\"crowdsec/v1.4.6-6~deb12u1+b1-linux-debian\\" \\""',
  'time="07-12-2026 11:11:22" level=info msg="(bench/crowdsec) crowdsecurity/asterisk_bf by ip 2001:db8:511a:70c8::579c : 4h ban on Ip 2001:db8:511a:70c8::579c"',
].join('\n');

describe('what bench/compare reads from CrowdSec', () => {
  it('takes each decision the Local API logged, by address and scenario, without the closing quote', () => {
    const d = parseDecisions(LAPI);
    expect([...d.keys()]).toEqual(['24.95.96.106', '2001:db8:511a:70c8::579c']);
    expect(d.get('24.95.96.106')).toEqual(['crowdsecurity/asterisk_bf', 'crowdsecurity/asterisk_user_enum']);
    expect(decisionOf(LAPI.split('\n')[3])).toEqual({ ip: '2001:db8:511a:70c8::579c', scenario: 'crowdsecurity/asterisk_bf', time: Date.UTC(2026, 11, 7, 11, 11, 22) });
    expect(decisionOf(LAPI.split('\n')[2])).toBeNull();
  });

  it('sums a metric over its series, or over the series whose labels name a parser', () => {
    const m = parseMetrics([
      '# HELP cs_parser_hits_ok_total Total events were successfully parsed.',
      'cs_parser_hits_ok_total{source="/tmp/a.log",type="file"} 8',
      'cs_parser_hits_ok_total{source="/tmp/b.log",type="file"} 4',
      'cs_node_hits_ok_total{name="child-crowdsecurity/asterisk-logs",source="/tmp/a.log",type="file"} 8',
      'cs_node_hits_ok_total{name="crowdsecurity/asterisk-logs",source="/tmp/a.log",type="file"} 7',
      'cs_buckets 40000',
      'cs_info{version="v1.4.6"} NaN',
    ].join('\n'));
    expect(m.sum('cs_parser_hits_ok_total')).toBe(12);
    expect(m.where('cs_node_hits_ok_total', 'name="crowdsecurity/asterisk-logs"')).toBe(7);
    expect(m.sum('cs_buckets')).toBe(40000);
    expect(m.sum('cs_missing_total')).toBe(0);
  });
});

/** The hub parser's InvalidPassword grok pattern as a JavaScript regex (the grok names it uses, nothing else). */
function hubInvalidPassword(): RegExp {
  const yaml = fs.readFileSync(path.join(PEER_DIR, HUB_FILES['s01-parse'][0]), 'utf8');
  const pattern = yaml.split('\n').map((l) => /^\s+pattern: '(.*SecurityEvent="InvalidPassword".*)'$/.exec(l)?.[1]).find(Boolean);
  if (!pattern) throw new Error('no InvalidPassword pattern in the hub parser');
  const grok: Record<string, string> = { DATA: '.*?', NUMBER: '\\d+(?:\\.\\d+)?', NOTDQUOTE: '[^"]*', IPORHOST: '[0-9A-Za-z.:-]+' };
  const src = pattern.replace(/%\{(\w+)(?::(\w+))?\}/g, (_, name: string, field?: string) => {
    if (!grok[name]) throw new Error(`grok ${name} not translated`);
    return field ? `(?<${field}>${grok[name]})` : grok[name];
  });
  return new RegExp(src);
}

describe("the live attackers' lines", () => {
  it("are read by CrowdSec's own Asterisk parser, with the attacker's address as its source (IPv4 and IPv6)", () => {
    const re = hubInvalidPassword();
    const live = new LiveLog(path.join(dir, 'a.log'), { security: true });
    for (const ip of ['198.18.0.7', '2001:db8:1:5::1']) {
      const line = live.line(ip, 5060, 123, Date.UTC(2026, 11, 7, 11, 12, 50, 380)).trimEnd();
      const m = re.exec(line);
      expect(m?.groups?.source_ip).toBe(ip);
      expect(m?.groups?.username).toBe('123');
      expect(m?.groups?.timestamp).toBe('Dec  7 11:12:50');
    }
    live.close();
  });

  it('stay chan_sip NOTICE lines for the other tools', () => {
    const live = new LiveLog(path.join(dir, 'b.log'));
    expect(live.line('198.18.0.7', 5060, 100, Date.UTC(2026, 11, 7, 11, 12, 50))).toBe(
      "[Dec  7 11:12:50] NOTICE[16641] chan_sip.c: Registration from '<sip:100@192.0.2.2:5060>' failed for '198.18.0.7:5060' - Wrong password\n",
    );
    live.close();
  });
});
