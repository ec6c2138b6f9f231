/**
 * JSON mode's pieces: which command lines ask for JSON (before parsing, so even a usage
 * error is answered in JSON), `-o json` becoming `--json` for every action, and the
 * error object with the catalogue's code and exit status.
 */
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, SipwardenError } from '../domain/errors.js';
import { errorJson, jsonRequested } from './output.js';
import { buildProgram } from './program.js';

describe('jsonRequested', () => {
  it('sees --json, -o json, -ojson, --output json and --output=json anywhere, and nothing else', () => {
    for (const argv of [['bans', '--json'], ['bans', '-o', 'json'], ['-ojson', 'status'], ['status', '--output', 'json'], ['status', '--output=json']]) {
      expect(jsonRequested(argv), argv.join(' ')).toBe(true);
    }
    for (const argv of [['bans'], ['bans', '-o', 'text'], ['ban', 'json'], ['status', '--output=text'], ['check', 'json.log']]) {
      expect(jsonRequested(argv), argv.join(' ')).toBe(false);
    }
  });
});

describe('-o json', () => {
  it('is --json for every command that prints data; -o takes only text or json', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const program = buildProgram();
    for (const name of ['status', 'bans', 'accounts']) program.commands.find((c) => c.name() === name)?.action(function (this: { opts(): Record<string, unknown> }) { seen.push(this.opts()); });
    await program.parseAsync(['node', 'sipwarden', 'status', '-o', 'json']);
    await program.parseAsync(['node', 'sipwarden', 'accounts', '--output=json']);
    expect(seen.map((o) => o.json)).toEqual([true, true]);
    const bad = buildProgram().configureOutput({ writeErr: () => undefined, outputError: () => undefined });
    await expect(bad.parseAsync(['node', 'sipwarden', 'bans', '-o', 'xml'])).rejects.toThrow(/Allowed choices are text, json/);
  });
});

describe('errorJson', () => {
  it('gives code, message and a fix, with the catalogue\'s exit status', () => {
    const e = errorJson(new SipwardenError('NOT_BANNED', '198.51.100.1 is not banned'));
    expect(e?.exitCode).toBe(ERROR_CODES.NOT_BANNED.exitCode);
    expect(JSON.parse(e?.text ?? '')).toEqual({ error: { code: 'NOT_BANNED', message: '198.51.100.1 is not banned', fix: expect.stringContaining('sipwarden bans --all') } });
  });

  it('answers commander\'s usage errors as USAGE, exit 2, and a database error as STORE_UNAVAILABLE, exit 4', () => {
    const usage = errorJson(new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"));
    expect(usage?.exitCode).toBe(2);
    expect(JSON.parse(usage?.text ?? '').error).toMatchObject({ code: 'USAGE', message: "unknown option '--x'" });
    const db = errorJson(Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' }));
    expect(db?.exitCode).toBe(4);
    expect(JSON.parse(db?.text ?? '').error.code).toBe('STORE_UNAVAILABLE');
  });

  it('escapes control characters in a message and leaves a bug (no catalogue code) to its stack trace', () => {
    const e = errorJson(new SipwardenError('USAGE', 'bad \u001b[2J name'));
    expect(e?.text).not.toContain('\u001b');
    expect(JSON.parse(e?.text ?? '').error.message).toBe('bad \u001b[2J name');
    expect(errorJson(new TypeError('boom'))).toBeNull();
  });
});
