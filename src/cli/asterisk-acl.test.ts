/**
 * The `sipwarden asterisk-acl` command with injected terminal and runner: --dry-run
 * prints and writes nothing, confirmation, the config found under --root, the empty
 * internal networks refused without --force, and --uninstall.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SipwardenError } from '../domain/errors.js';
import { plainAsteriskTree, snapshot, tempRoot, writeTree } from '../../test/support/kits/setup.js';
import { runAsteriskAcl, type AclCliOptions, type AclDeps } from './asterisk-acl.js';

let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

function deps(answer: boolean | null = null, uid = 0): { deps: AclDeps; lines: string[]; calls: string[][] } {
  const lines: string[] = [];
  const calls: string[][] = [];
  return {
    lines, calls,
    deps: {
      out: (l) => lines.push(l), ask: answer === null ? null : async () => answer, uid,
      runCommand: async (p, a) => { calls.push([p, ...a]); return { code: 0, stdout: '', stderr: '' }; },
      now: () => new Date('2026-03-01T00:00:00Z'),
    },
  };
}
const run = (opts: AclCliOptions, d = deps()) => runAsteriskAcl({ root, ...opts }, d.deps).then(() => d.lines);
const config = (yaml: string) => writeTree(root, { 'etc/sipwarden/sipwarden.yaml': yaml });

describe('sipwarden asterisk-acl (command)', () => {
  it('--dry-run prints the files and blocks, what it leaves alone and why, and writes nothing', async () => {
    plainAsteriskTree(root);
    const before = snapshot(root);
    const lines = await run({ dryRun: true });
    expect(snapshot(root)).toEqual(before);
    expect(lines.slice(0, 3)).toEqual([
      'sipwarden config: the built-in defaults',
      'Asterisk config: /etc/asterisk; internal networks: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7',
      `(every path below is under ${root})`,
    ]);
    expect(lines).toContain('  PJSIP trunk-itsp  trunk     pjsip endpoint [trunk-itsp] is matched by IP (type=identify at /etc/asterisk/pjsip.conf:76)');
    expect(lines).toContain('  1. add the named ACL [sipwarden-internal] to /etc/asterisk/acl.conf (a new file): deny every address, permit 5 internal networks:');
    expect(lines).toContain('       [100](+type=endpoint)');
    expect(lines).toContain('  then run: asterisk -rx "module reload acl"; asterisk -rx "module reload res_pjsip.so"; asterisk -rx "sip reload" (when Asterisk is installed here)');
    expect(lines.at(-1)).toBe('(--dry-run: nothing was changed)');
  });

  it('reads the config under --root: its networks and patterns', async () => {
    plainAsteriskTree(root);
    config('networks:\n  internal: [192.168.50.0/24]\naccounts:\n  roaming: ["101"]\n');
    const lines = await run({ dryRun: true });
    expect(lines[0]).toBe(`sipwarden config: ${join(root, 'etc/sipwarden/sipwarden.yaml')}`);
    expect(lines).toContain('       permit = 192.168.50.0/24');
    expect(lines).toContain('  PJSIP 101         roaming   matches roaming pattern "101" in the config');
    expect(lines).not.toContain('       [101](+type=endpoint)');
  });

  it('refuses to go ahead without a terminal unless --yes; asks, and does nothing on no', async () => {
    plainAsteriskTree(root);
    const before = snapshot(root);
    await expect(run({})).rejects.toThrow(new SipwardenError('USAGE', 'not on a terminal, so nobody can confirm: add --yes to go ahead (or --dry-run)'));
    const lines = await run({}, deps(false));
    expect(lines.at(-1)).toBe('Nothing was changed.');
    expect(snapshot(root)).toEqual(before);
  });

  it('empty internal networks: --dry-run warns, the real run refuses and changes nothing, --force goes ahead', async () => {
    plainAsteriskTree(root);
    config('networks:\n  internal: []\n');
    const before = snapshot(root);
    const dry = await run({ dryRun: true });
    expect(dry.some((l) => l.startsWith('  - networks.internal is empty: the ACL would deny every address, so Asterisk would refuse EVERY phone listed above'))).toBe(true);
    expect(dry.at(-1)).toBe('(--dry-run: nothing was changed; without --dry-run this refuses: networks.internal is empty: that would lock every phone out (set networks.internal, or add --force))');
    await expect(run({ yes: true })).rejects.toThrow(new SipwardenError('USAGE', 'nothing was changed: networks.internal is empty: that would lock every phone out (set networks.internal, or add --force)'));
    expect(snapshot(root)).toEqual(before);
    await run({ yes: true, force: true });
    expect(snapshot(root)['etc/asterisk/acl.conf']!.content).toContain('[sipwarden-internal]\ndeny = 0.0.0.0/0.0.0.0\ndeny = ::/0\n; end of block');
  });

  it('--yes applies and reports; a second run has nothing to do; --uninstall puts everything back', async () => {
    plainAsteriskTree(root);
    const before = snapshot(root);
    const d = deps();
    await run({ yes: true }, d);
    expect(d.lines).toContain('Done:');
    expect(d.lines).toContain('  /etc/asterisk/pjsip.conf');
    expect(d.lines.some((l) => l.startsWith('not run: asterisk is not installed here'))).toBe(true);
    expect(d.calls).toEqual([]);
    expect((await run({ dryRun: true })).filter((l) => l.startsWith('Nothing to do'))).toEqual(['Nothing to do: Asterisk already has everything sipwarden asterisk-acl sets up.']);
    const undo = await run({ uninstall: true, dryRun: true });
    expect(undo).toEqual([
      'sipwarden asterisk-acl --uninstall will:',
      '  - remove /etc/asterisk/acl.conf (sipwarden asterisk-acl created it)',
      '  - restore /etc/asterisk/pjsip.conf from its backup',
      '  - restore /etc/asterisk/sip.conf from its backup',
      '(--dry-run: nothing was changed)',
    ]);
    await run({ uninstall: true, yes: true });
    const after = snapshot(root);
    const asterisk = (s: typeof before) => Object.fromEntries(Object.entries(s).filter(([p]) => p.startsWith('etc/asterisk/')));
    expect(asterisk(after)).toEqual(asterisk(before));
    expect(await run({ uninstall: true, yes: true })).toEqual(['Nothing to uninstall: no sipwarden asterisk-acl blocks found.']);
  });

  it('on the live system: needs root unless --dry-run; --force does not go with --uninstall', async () => {
    await expect(runAsteriskAcl({ yes: true }, deps(null, 1000).deps)).rejects.toThrow(new SipwardenError('USAGE', 'sipwarden asterisk-acl changes files in /etc/asterisk: run it as root (or with --dry-run to see the plan)'));
    await expect(run({ uninstall: true, force: true })).rejects.toThrow(new SipwardenError('USAGE', '--force does not go with --uninstall'));
  });

  it('a bad config is one line naming the file', async () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'cfg.yaml'), 'networks:\n  internal: [not-a-network]\n');
    await expect(run({ dryRun: true, config: join(root, 'cfg.yaml') })).rejects.toThrow(/config error in .*cfg\.yaml at networks\.internal\[0\]/);
  });
});
