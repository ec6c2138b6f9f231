import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderDefaultConfig } from '../config/index.js';
import { renderBashCompletion } from './completion.js';
import { configKeys, renderCommandManPage, renderConfigManPage, roff } from './manpage.js';
import { buildProgram, EXAMPLES, productVersion } from './program.js';

const stamp = { version: '1.2.3', date: '2026-12-07' };

describe('sipwarden(8) and sipwarden.yaml(5)', () => {
  it('every command, option and example of --help is in sipwarden(8)', () => {
    const program = buildProgram();
    const page = renderCommandManPage(program, stamp);
    expect(page.startsWith('.TH SIPWARDEN 8 "2026-12-07" "sipwarden 1.2.3"')).toBe(true);
    for (const cmd of program.commands) {
      expect(page).toContain(`\\fBsipwarden ${roff(cmd.name())}\\fR`);
      for (const o of cmd.options) expect(page).toContain(roff(o.long ?? o.flags));
    }
    for (const e of Object.values(EXAMPLES).flat()) expect(page).toContain(roff(e.line));
  });

  it('every key of the default config is in sipwarden.yaml(5), with its default', () => {
    const { keys } = configKeys(renderDefaultConfig());
    const page = renderConfigManPage(stamp);
    for (const k of ['protection', 'networks.internal', 'policy.tiers', 'policy.subnets.ipv4_prefix', 'asterisk.ami', 'firewall.require_seen', 'web.listen']) {
      expect(keys.map((x) => x.path)).toContain(k);
    }
    for (const k of keys) expect(page).toContain(`\\fB${roff(k.path)}\\fR`);
    expect(page).toContain('Default: \\fBon\\fR');
  });

  it('roff text never starts a line with a request', () => {
    expect(roff(".TH oops\n'x")).toBe("\\&.TH oops\n\\&'x");
    expect(roff('a-b\\c')).toBe('a\\-b\\ec');
  });

  it('man renders both pages without warnings', () => {
    const check = spawnSync('sh', ['-c', 'command -v groff'], { encoding: 'utf8' });
    if (check.status !== 0) return; // groff is part of man-db's dependencies; absent on a minimal host
    for (const page of [renderCommandManPage(buildProgram(), stamp), renderConfigManPage(stamp)]) {
      const r = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z'], { input: page, encoding: 'utf8' });
      expect(r.stderr).toBe('');
    }
  });
});

describe('--version and --help', () => {
  it('prints package.json\'s version', () => {
    expect(buildProgram().version()).toBe(productVersion());
    expect(productVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('shows examples after each command\'s help', () => {
    const program = buildProgram();
    const ban = program.commands.find((c) => c.name() === 'ban');
    let text = '';
    ban?.configureOutput({ writeOut: (s) => { text += s; } });
    ban?.outputHelp();
    expect(text).toContain('Examples:\n  sipwarden ban 203.0.113.7 --for 1h');
  });
});

describe('bash completion', () => {
  const script = renderBashCompletion(buildProgram());
  const complete = (words: string[]): string => {
    const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sipwarden; echo "\${COMPREPLY[@]}"`], { encoding: 'utf8' });
    return r.stdout.trim();
  };

  it('completes commands, then each command\'s options', () => {
    expect(complete(['sipwarden', 'ba'])).toBe('bans ban');
    expect(complete(['sipwarden', 'bans', '--a'])).toBe('--all --account');
    expect(complete(['sipwarden', 'init', '--un'])).toBe('--uninstall');
  });

  it('completes file names after --config and for check', () => {
    expect(complete(['sipwarden', 'status', '--config', '/etc/host'])).toContain('/etc/hostname');
    expect(complete(['sipwarden', 'check', '/etc/host'])).toContain('/etc/hostname');
  });
});
