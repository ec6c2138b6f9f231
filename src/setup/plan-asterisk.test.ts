import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectAsterisk } from './detect.js';
import { planAsterisk } from './plan-asterisk.js';
import { tempRoot, writeTree } from '../../test/support/kits/setup.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

const plan = () => planAsterisk(detectAsterisk({ root }), new Set(), () => 'secret');

describe('planAsterisk edge cases', () => {
  it('adds [logfiles](+) when logger.conf does not end in [logfiles]', () => {
    writeTree(root, { 'etc/asterisk/logger.conf': '[logfiles]\nmessages => notice\n[general]\ndateformat = %F %T\n', 'etc/asterisk/manager.conf': '[general]\nenabled = yes\n' });
    expect(plan().edits[0]?.blocks[0]?.lines).toEqual(['[logfiles](+)', 'security => security']);
  });

  it('adds a [logfiles] section when there is none', () => {
    writeTree(root, { 'etc/asterisk/logger.conf': '[general]\n', 'etc/asterisk/manager.conf': '[general]\nenabled = yes\n' });
    expect(plan().edits[0]?.blocks[0]?.lines).toEqual(['[logfiles]', 'security => security']);
  });

  it('picks another channel name when "security" is taken by a channel without security events', () => {
    writeTree(root, { 'etc/asterisk/logger.conf': '[logfiles]\nsecurity => notice\n', 'etc/asterisk/manager.conf': '[general]\nenabled = yes\n' });
    const p = plan();
    expect(p.edits[0]?.blocks[0]?.lines).toEqual(['sipwarden-security => security']);
    expect(p.addedSecurityLog).toBe('/var/log/asterisk/sipwarden-security');
  });

  it('creates [general] to turn on an AMI that has no [general] at all, and uses a non-loopback bindaddr as it is', () => {
    writeTree(root, { 'etc/asterisk/logger.conf': '[logfiles]\nsecurity => security\n', 'etc/asterisk/manager.conf': '; nothing\n' });
    expect(plan().edits[0]?.blocks.map((b) => b.lines[0])).toEqual(['[general]', '[sipwarden]']);
    writeTree(root, { 'etc/asterisk/manager.conf': '[general]\nenabled = yes\nbindaddr = 10.1.2.3\nport = 5039\n' });
    const p = plan();
    expect(p.ami).toEqual({ host: '10.1.2.3', port: 5039, username: 'sipwarden', secret: 'secret' });
    expect(p.warnings).toEqual(['the AMI listens on 10.1.2.3 only, and the new user may connect from 127.0.0.1 only: add "permit = 10.1.2.3/255.255.255.255" to [sipwarden] in /etc/asterisk/manager.conf']);
  });
});
