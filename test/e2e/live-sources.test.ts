/**
 * The daemon against the PBX simulator on loopback: the simulator writes Asterisk 20's
 * `messages` and `security` lines and sends the same events over AMI, so every
 * guess is reported three times. Each must be counted once.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startPbx, type RunningPbx } from '../../sim/index.js';
import { authorization, challengeOf, svRegister, UdpSipClient } from '../../sim/testkit.js';
import { sandbox, sipwarden, startDaemon, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('live sources: log files and AMI together', () => {
  it('counts each svcrack guess once although messages, security and AMI all report it', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    const pbx: RunningPbx = await startPbx({
      sip: { host: '127.0.0.1', udp: true, tcp: false },
      ami: { host: '127.0.0.1', users: [{ username: 'sipwarden', secret: 'test-secret' }] },
      accounts: [{ name: '100', secret: 'Tr0ub4dor100' }],
      logs: { messages: box.file('messages'), security: box.file('security') },
    });
    cleanups.push(() => pbx.stop());
    // Add the simulator's AMI to the sandbox config's `asterisk:` section.
    const yaml = fs.readFileSync(box.config, 'utf8');
    fs.writeFileSync(box.config, yaml.replace('asterisk:\n', `asterisk:\n  ami: { host: 127.0.0.1, port: ${pbx.amiPort}, username: sipwarden, secret: test-secret }\n`));

    const d = startDaemon(box.config);
    cleanups.push(() => d.stop('SIGKILL'));
    expect(await waitFor(() => d.lines.some((l) => l.msg === 'AMI connection' && l.status === 'connected'))).toBe(true);

    // svcrack: one Call-ID for every guess; the first REGISTER gets the challenge.
    const client = await UdpSipClient.open('127.0.0.1');
    cleanups.push(() => client.close());
    const reg = (cseq: number, auth?: string) =>
      svRegister({ user: '100', callId: '337129326', branch: `z9hG4bK-${cseq}`, tag: 'abc', localPort: client.port, cseq, tool: 'svcrack', authorization: auth });
    let answer = await client.request(reg(1), pbx.sipPort);
    const GUESSES = 5;
    for (let i = 0; i < GUESSES; i++) {
      const c = challengeOf(answer);
      const auth = authorization({ username: '100', password: `wrong${i}`, method: 'REGISTER', uri: 'sip:127.0.0.1', nonce: c.nonce, opaque: c.opaque });
      answer = await client.request(reg(2 + i, auth), pbx.sipPort);
    }
    const failedLines = () => fs.readFileSync(box.file('failed-auth.log'), 'utf8').split('\n').filter((l) => l.includes(' FAILED '));
    expect(await waitFor(() => failedLines().length >= GUESSES)).toBe(true);
    await new Promise((r) => setTimeout(r, 800)); // late duplicates (the AMI copy) would land by now
    const lines = failedLines();
    expect(lines).toHaveLength(GUESSES);
    expect(lines.every((l) => l.includes('ip=127.0.0.1') && l.includes('account="100"') && l.includes('reason=wrong_password'))).toBe(true);
    expect(lines.at(-1)).toContain('counts=5/1h');
    // Loopback is never banned, whatever it does.
    expect(lines.at(-1)).toContain('zone=never');
    const status = JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout);
    expect(status.ami.status).toBe('connected');
    // Every guess reached sipwarden three times: counted once, merged twice.
    expect(await waitFor(() => JSON.parse(sipwarden(['status', '--json', '--config', box.config]).stdout).reports.duplicates >= 2 * GUESSES, 3000)).toBe(true);
    expect(status.activeBans).toBe(0);
  });
});
