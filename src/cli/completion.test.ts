/**
 * zsh completion, generated from the command tree: zsh parses it (`zsh -n`), and a real
 * interactive zsh (driven through zsh's own pseudo-terminal module, zpty) completes
 * commands, each command's options, an option's fixed choices, file names and the
 * completion command's shells from it — what a person pressing TAB gets. Every wait is
 * bounded; zsh is installed by scripts/setup --for-tests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderZshCompletion } from './completion.js';
import { buildProgram } from './program.js';

/** The driver: `zsh -f zsh-complete.zsh DIR LOG WORDS` (test/support). */
const DRIVER = fileURLToPath(new URL('../../test/support/zsh-complete.zsh', import.meta.url));

let dir: string;
let n = 0;

/** What zsh offers for `words` followed by TAB, sorted. */
function complete(words: string): string[] {
  const log = join(dir, `log${n++}`);
  const r = spawnSync('zsh', ['-f', DRIVER, dir, log, words], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n');
  return lines.slice(lines.indexOf('READY') + 1, lines.indexOf('END')).sort();
}

describe('zsh completion', () => {
  const script = renderZshCompletion(buildProgram());

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sipwarden-zsh-'));
    writeFileSync(join(dir, '_sipwarden'), script);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is a #compdef file zsh parses', () => {
    expect(script.startsWith('#compdef sipwarden\n')).toBe(true);
    const r = spawnSync('zsh', ['-n', join(dir, '_sipwarden')], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('has every command and every option of --help', () => {
    for (const cmd of buildProgram().commands) {
      expect(script).toContain(`\n    ${cmd.name()})\n`);
      for (const o of cmd.options) expect(script).toContain(`${o.long}[`);
    }
  });

  it('completes commands, then each command\'s options, in a real zsh', () => {
    expect(complete('sipwarden sta')).toEqual(['status']);
    expect(complete('sipwarden ba')).toEqual(['ban', 'bans']);
    expect(complete('sipwarden bans --a')).toEqual(['--account', '--all']);
    expect(complete('sipwarden init --un')).toEqual(['--uninstall']);
  });

  it('completes -o\'s formats, the completion command\'s shells, and file names where a file goes', () => {
    expect(complete('sipwarden bans -o ')).toEqual(['json', 'text']);
    expect(complete('sipwarden completion ')).toEqual(['bash', 'zsh']);
    expect(complete('sipwarden check /etc/host')).toContain('hostname');
    expect(complete('sipwarden status --config /etc/host')).toContain('hostname');
  });
});
