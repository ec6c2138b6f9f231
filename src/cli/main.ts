#!/usr/bin/env node
/**
 * The `sipwarden` command. Every expected failure is one clear line on stderr and an
 * exit code from the error catalogue (2 for usage and unreadable input); with `--json`
 * or `-o json` that line is `{"error":{"code","message","fix"}}` (output.ts), with the
 * same exit code. A stack trace means a bug.
 */
import v8 from 'node:v8';
import { CommanderError } from 'commander';
import { SipwardenError } from '../domain/errors.js';
import { errorJson, jsonRequested } from './output.js';
import { buildProgram } from './program.js';
import { stdoutIsJournal } from './systemd.js';

function fail(message: string, code: number): never {
  // Under systemd each line is an error to the journal (<3>), not info.
  const mark = stdoutIsJournal(process.env, 2) ? '<3>' : '';
  process.stderr.write(`${mark}sipwarden: ${message.split('\n').join(`\n${mark}  `)}\n`);
  process.exit(code);
}

/**
 * How far V8's heap may grow past what was live at the last full collection before the
 * next: 20 %. V8's own factor goes up to 4× on a fast machine, so in a flood the daemon's
 * heap filled with garbage it did not need to keep: with 20 %, bench/flood's peak RSS
 * for 1,000,000 new addresses went from 489–523 MB to 319 MB and `check`'s on the
 * 1 M-line log from 261 to 180 MB, at the same speed. Set before any work (V8 reads it at
 * each collection).
 */
const HEAP_GROWING_PERCENT = 20;

async function main(): Promise<void> {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  const json = jsonRequested(process.argv.slice(2));
  try {
    await buildProgram({ jsonErrors: json }).parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError && e.exitCode === 0) process.exit(0);
    const asJson = json ? errorJson(e) : null;
    if (asJson) {
      process.stderr.write(`${asJson.text}\n`);
      process.exit(asJson.exitCode);
    }
    if (e instanceof CommanderError) {
      // commander already printed its one-line message
      process.exit(2);
    }
    if (e instanceof SipwardenError) fail(e.message, e.exitCode);
    // better-sqlite3 errors after open (disk full, locked too long): one line, not a trace.
    const code = (e as { code?: unknown }).code;
    if (e instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_')) fail(`database error: ${e.message}`, 4);
    throw e;
  }
}

void main();
