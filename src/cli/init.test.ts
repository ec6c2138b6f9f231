import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SipwardenError } from '../domain/errors.js';
import { parseConfigText } from '../config/index.js';
import { fakeProgram, fakeRunner, freepbxTree, plainAsteriskTree, snapshot, tempRoot } from '../../test/support/kits/setup.js';
import { runInit, type InitCliOptions, type InitDeps } from './init.js';

const SECRET = 'CliCliCliCliCliCliCliCli';
let root: string;
let cleanup: () => void;
beforeEach(() => ({ root, cleanup } = tempRoot()));
afterEach(() => cleanup());

function deps(answer: boolean | null = null): { deps: InitDeps; lines: string[]; calls: string[][] } {
  const lines: string[] = [];
  const runner = fakeRunner();
  return {
    lines, calls: runner.calls,
    deps: {
      out: (l) => lines.push(l), ask: answer === null ? null : async () => answer, uid: 0,
      runCommand: runner.run, randomSecret: () => SECRET, repoDir: '/opt/sipwarden', nodePath: '/usr/bin/node',
      now: () => new Date('2026-03-01T00:00:00Z'),
    },
  };
}

describe('sipwarden init (command)', () => {
  it('--dry-run prints the plan in words, never the secret, and changes nothing', async () => {
    freepbxTree(root);
    const before = snapshot(root);
    const d = deps();
    await runInit({ root, dryRun: true }, d.deps);
    expect(snapshot(root)).toEqual(before);
    const text = d.lines.join('\n');
    expect(text).not.toContain(SECRET);
    expect(d.lines[0]).toBe('Found: FreePBX configuration in /etc/asterisk; Asterisk logs in /var/log/asterisk');
    expect(d.lines).toContain(`(every path below is under ${root})`);
    expect(d.lines).toContain('  4. log Asterisk\'s security events to /var/log/asterisk/security: add "security => security" under [logfiles] in /etc/asterisk/logger_logfiles_custom.conf:');
    expect(d.lines).toContain('       secret = ******** (24 random characters)');
    expect(d.lines).toContain('  then run: asterisk -rx "logger reload" and asterisk -rx "manager reload" and asterisk -rx "dialplan reload" (when Asterisk is installed here); systemctl daemon-reload');
    expect(d.lines.at(-1)).toBe('(--dry-run: nothing was changed)');
  });

  it('refuses to go ahead without a terminal unless --yes', async () => {
    freepbxTree(root);
    const before = snapshot(root);
    await expect(runInit({ root }, deps().deps)).rejects.toThrow(new SipwardenError('USAGE', 'not on a terminal, so nobody can confirm: add --yes to go ahead (or --dry-run)'));
    expect(snapshot(root)).toEqual(before);
  });

  it('asks, and does nothing when the answer is no', async () => {
    freepbxTree(root);
    const before = snapshot(root);
    const d = deps(false);
    await runInit({ root }, d.deps);
    expect(d.lines.at(-1)).toBe('Nothing was changed.');
    expect(snapshot(root)).toEqual(before);
  });

  it('--yes applies and reports each change, backup and reload', async () => {
    freepbxTree(root);
    fakeProgram(root, 'asterisk');
    const d = deps();
    await runInit({ root, yes: true }, d.deps);
    expect(d.calls).toEqual([['asterisk', '-rx', 'logger reload'], ['asterisk', '-rx', 'manager reload'], ['asterisk', '-rx', 'dialplan reload']]);
    expect(d.lines).toContain('  /etc/asterisk/manager_custom.conf');
    expect(d.lines).toContain('  /etc/asterisk/manager_custom.conf.sipwarden-backup-20260301T000000Z');
    expect(d.lines).toContain('asterisk -rx "logger reload": ok');
    expect(d.lines).toContain('not run: systemctl is not installed here: not run: systemctl daemon-reload');
    expect(d.lines.at(-1)).toBe('Start sipwarden with: systemctl enable --now sipwarden.service');

    const again = deps();
    await runInit({ root, yes: true }, again.deps);
    expect(again.lines).toContain('Nothing to do: everything sipwarden init sets up is in place.');

    const un = deps();
    await runInit({ root, uninstall: true, purge: true, yes: true }, un.deps);
    expect(un.lines).toContain('sipwarden init --uninstall will:');
    expect(un.lines).toContain('  - restore /etc/asterisk/manager_custom.conf from its backup');
    const un2 = deps();
    await runInit({ root, uninstall: true, yes: true }, un2.deps);
    expect(un2.lines.at(-1)).toBe('Nothing to uninstall.');
  });

  it('says what is wrong with the command line in one line', async () => {
    const d = deps().deps;
    await expect(runInit({ purge: true, root }, d)).rejects.toThrow('--purge goes with --uninstall');
    await expect(runInit({ uninstall: true, force: true, root }, d)).rejects.toThrow('--force does not go with --uninstall');
    await expect(runInit({ yes: true }, { ...d, uid: 1000 })).rejects.toThrow('sipwarden init changes files in /etc and /var: run it as root (or with --dry-run to see the plan)');
  });

  it('turns a write failure into one line', async () => {
    freepbxTree(root);
    // A file where a directory must go: mkdir fails with ENOTDIR/EEXIST.
    const { writeFileSync, rmSync } = await import('node:fs');
    rmSync(`${root}/var/log/asterisk`, { recursive: true });
    writeFileSync(`${root}/var/lib`, 'not a directory');
    const err = await runInit({ root, yes: true }, deps().deps).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SipwardenError);
    expect((err as SipwardenError).message).toMatch(/^sipwarden init: \/tmp\/\S+\/var\/lib\/sipwarden\S*: not a directory$/);
  });

  it('is registered in commander with these lines (the ones main.ts uses)', async () => {
    let got: InitCliOptions | undefined;
    const program = new Command('sipwarden').exitOverride();
    program.command('init').description('set up Asterisk/FreePBX logging and AMI, the config, a systemd unit and logrotate')
      .option('-y, --yes', 'go ahead without asking')
      .option('--dry-run', 'print the plan, change nothing')
      .option('--force', 'replace an existing config, unit or logrotate entry (backed up first)')
      .option('--uninstall', 'undo what sipwarden init did and restore the Asterisk files')
      .option('--purge', 'with --uninstall: also remove /etc/sipwarden and /var/lib/sipwarden')
      .option('--root <dir>', 'work on the system tree under DIR (prefixes /etc and /var)')
      .option('--asterisk-dir <dir>', 'Asterisk config directory (default /etc/asterisk)')
      .action((opts: InitCliOptions) => { got = opts; });
    await program.parseAsync(['node', 'sipwarden', 'init', '--dry-run', '-y', '--root', '/tmp/x', '--asterisk-dir', '/etc/pbx', '--uninstall', '--purge', '--force']);
    expect(got).toEqual({ dryRun: true, yes: true, root: '/tmp/x', asteriskDir: '/etc/pbx', uninstall: true, purge: true, force: true });
  });
});

describe('sipwarden init asks about phones used outside the office', () => {
  const outside = '[Nov 24 18:08:00] SECURITY[16648] res_security_log.c: SecurityEvent="SuccessfulAuth",EventTV="2026-11-24T18:08:00.494+0000",Severity="Informational",Service="PJSIP",EventVersion="1",AccountID="100",SessionID="3",LocalAddress="IPV4/UDP/10.0.0.2/5060",RemoteAddress="IPV4/UDP/192.0.2.44/5060",UsingPassword="1"\n';
  const roamingOf = () => parseConfigText(readFileSync(join(root, 'etc/sipwarden/sipwarden.yaml'), 'utf8'), 'sipwarden.yaml', { fileExists: () => true }).accounts.roaming;

  it('lists the extensions with the logs\' proposal as the default, says a wrong name and asks again, and writes the answer', async () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'var/log/asterisk/security'), outside);
    const d = deps(true);
    const questions: string[] = [];
    const answers = ['100 bad!name', '100 3??'];
    await runInit({ root }, { ...d.deps, askLine: async (q) => {
      questions.push(q);
      return answers.shift() ?? '';
    } });
    expect(d.lines[0]).toBe('Extensions in the PBX\'s configuration: 100, 101, 102, 200, 201, iaxuser');
    expect(d.lines[1]).toBe('  100 logged in from 192.0.2.44, outside your internal networks (/var/log/asterisk/security)');
    expect(questions[0]).toBe('Which are used outside the office (roaming: allowed from anywhere)? Names or patterns (2??) separated by spaces, "none" for none [100]: ');
    expect(d.lines[2]).toBe('not an account name or pattern: "bad!name" (letters, digits, _ . @ + -, and the wildcards ? and *)');
    expect(d.lines).toContain('  Roaming extensions (accounts.roaming), allowed from anywhere: 100, 3??');
    expect(roamingOf()).toEqual(['100', '3??']);
  });

  it('with --yes takes the logs\' proposal without asking', async () => {
    plainAsteriskTree(root);
    writeFileSync(join(root, 'var/log/asterisk/security'), outside);
    const d = deps();
    await runInit({ root, yes: true }, { ...d.deps, askLine: async () => { throw new Error('asked with --yes'); } });
    expect(roamingOf()).toEqual(['100']);
  });
});
