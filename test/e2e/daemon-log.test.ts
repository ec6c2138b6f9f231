/**
 * `sipwarden run`'s own log as a systemd administrator reads it, from the real process:
 * under journald (stdout is the stream `JOURNAL_STREAM` names: here a file whose device
 * and inode the variable carries, as systemd sets them) plain lines with syslog priority
 * prefixes and the first-start password as its own line; JSON when `log.format: json`
 * asks; on a terminal (a real pty, through script(1)) text lines with time and level.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, sandbox, waitFor } from '../support/cli.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Runs the daemon with stdout on `out` and JOURNAL_STREAM naming it; stops it once `done` holds for the file's text. */
async function runUnderJournal(config: string, out: string, done: (text: string) => boolean): Promise<{ text: string; code: number | null; stderr: string }> {
  const fd = fs.openSync(out, 'w');
  const st = fs.fstatSync(fd);
  const proc = spawn(process.execPath, [CLI, 'run', '--config', config], {
    env: { ...process.env, TZ: 'UTC', JOURNAL_STREAM: `${st.dev}:${st.ino}`, NOTIFY_SOCKET: '' }, stdio: ['ignore', fd, 'pipe'],
  });
  fs.closeSync(fd);
  let stderr = '';
  proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  cleanups.push(() => proc.kill('SIGKILL'));
  const ok = await waitFor(() => done(fs.readFileSync(out, 'utf8')), 20_000);
  proc.kill('SIGTERM');
  const code = await exited;
  expect(ok, `${fs.readFileSync(out, 'utf8')}\n${stderr}`).toBe(true);
  return { text: fs.readFileSync(out, 'utf8'), code, stderr };
}

describe('sipwarden run under journald', () => {
  it('writes plain lines with syslog priorities: warnings <4>, info <6>; the first-start password as its own line', async () => {
    const box = sandbox('protection: off');
    cleanups.push(box.cleanup);
    const { text, code } = await runUnderJournal(box.config, box.file('stdout'), (t) => t.includes('sipwarden running'));
    expect(code).toBe(0);
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(l, l).toMatch(/^<[2-7]>[^<{]/); // a priority, then words: no JSON record, no second prefix
    expect(lines).toContain('<4>protection is OFF: attacks are detected and logged, nothing is blocked');
    expect(lines.some((l) => /^<6>sipwarden running backend=dry-run protection=off bans=0$/.test(l))).toBe(true);
    const pw = lines.map((l) => /^<4>dashboard password generated for user admin: (\S+) \(shown once; set your own with: sipwarden passwd\)$/.exec(l)?.[1]).find(Boolean);
    expect(pw, 'the password line').toMatch(/^\S{12,}$/);
    expect(text.split(pw as string)).toHaveLength(2); // said once
    expect(lines.at(-1)).toBe('<6>sipwarden stopped; bans stay in force');
  }, 40_000);

  it('writes JSON records when log.format: json asks', async () => {
    const box = sandbox('log: { format: json }');
    cleanups.push(box.cleanup);
    const { text } = await runUnderJournal(box.config, box.file('stdout'), (t) => t.includes('sipwarden running'));
    const records = text.trimEnd().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(records.find((r) => r.msg === 'sipwarden running')).toMatchObject({ level: 30 });
  }, 40_000);

  it('a bad config file stops it with one line at priority err', async () => {
    const box = sandbox('networks: { internal: [0.0.0.0/1, 128.0.0.0/1] }');
    cleanups.push(box.cleanup);
    const err = box.file('stderr');
    const fd = fs.openSync(err, 'w');
    const st = fs.fstatSync(fd);
    const proc = spawn(process.execPath, [CLI, 'run', '--config', box.config], { env: { ...process.env, JOURNAL_STREAM: `${st.dev}:${st.ino}` }, stdio: ['ignore', 'ignore', fd] });
    fs.closeSync(fd);
    const code = await new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
    expect(code).toBe(2);
    expect(fs.readFileSync(err, 'utf8')).toBe(`<3>sipwarden: config error in ${box.config} at networks.internal: 0.0.0.0/1 and 128.0.0.0/1 together make every IPv4 address internal, so nobody would ever be banned; list your office and VPN networks instead\n`);
  }, 30_000);
});

describe('sipwarden run on a terminal', () => {
  it('writes text lines with time and level', async () => {
    const box = sandbox();
    cleanups.push(box.cleanup);
    // script(1) gives the daemon a real pty; the shell prints its pid so the test can stop it.
    const inner = `${process.execPath} ${CLI} run --config ${box.config} & echo "PID=$!"; wait`;
    const proc = spawn('script', ['-qefc', inner, '/dev/null'], { env: { ...process.env, TZ: 'UTC', JOURNAL_STREAM: '' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<void>((r) => proc.on('exit', () => r()));
    const pid = () => Number(/PID=(\d+)/.exec(out)?.[1]);
    cleanups.push(() => {
      if (pid()) try { process.kill(pid(), 'SIGKILL'); } catch { /* gone */ }
      proc.kill('SIGKILL');
    });
    expect(await waitFor(() => out.includes('sipwarden running'), 20_000), out).toBe(true);
    process.kill(pid(), 'SIGTERM');
    await exited;
    const lines = out.split(/\r?\n/).filter((l) => / (INFO|WARN|ERROR) /.test(l));
    expect(lines.some((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}sipwarden running backend=dry-run protection=on bans=0$/.test(l)), out).toBe(true);
    expect(lines.some((l) => /^\S+Z WARN {2}dashboard password generated for user admin: \S+ \(shown once; set your own with: sipwarden passwd\)$/.test(l)), out).toBe(true);
    expect(out).not.toContain('{"level"');
  }, 40_000);
});
