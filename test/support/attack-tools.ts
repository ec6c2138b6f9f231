/**
 * The real attack tools, run from the attacker namespace: sipvicious's svcrack and
 * svwar (Debian's 0.3.3) and sipp (Debian's sip-tester) with a REGISTER-with-digest
 * scenario. Every run is bounded (the tools' own limits and a hard kill).
 *
 * sipvicious 0.3.3 ignores `-b`: its source address follows the route. `routeFrom`
 * pins the route to the PBX to one of the attacker's addresses (a route with `src`),
 * so one namespace can attack from several addresses, one after the other.
 */
import fs from 'node:fs';
import path from 'node:path';
import { exec, must, type ExecResult } from './netns.js';
import type { Procs, Proc } from './procs.js';

/** The sipp scenario: REGISTER, 401, REGISTER with a digest of -ap, 401 or 200. */
export const SIPP_REGISTER_DIGEST = path.resolve(import.meta.dirname, 'sipp/register-digest.xml');

/** The attacker's end of the veth pair made by createNsPair. */
const ATTACKER_DEV = 'swa0';

/** Path of a sipvicious tool: `sipvicious_svcrack` (upstream name) or `svcrack` (Debian 0.3.3). */
export function sipvicious(tool: 'svcrack' | 'svwar'): string {
  const dirs = (process.env.PATH ?? '/usr/bin').split(':').concat('/usr/bin', '/usr/local/bin');
  for (const name of [`sipvicious_${tool}`, tool]) {
    for (const dir of dirs) {
      const p = path.join(dir, name);
      if (fs.existsSync(p)) return p;
    }
  }
  throw new Error(`sipvicious ${tool} not found (apt-get install sipvicious)`);
}

/** Makes packets from `ns` to `to` leave from `src` (a route with `src`), for tools that ignore -b. */
export async function routeFrom(ns: string, to: string, src: string): Promise<void> {
  const v6 = to.includes(':');
  await must(ns, 'ip', [...(v6 ? ['-6'] : []), 'route', 'replace', `${to}/${v6 ? 128 : 32}`, 'dev', ATTACKER_DEV, 'src', src]);
}

/** What svcrack printed, and how its run ended. */
export interface SvcrackRun {
  readonly output: string;
  /** True if svcrack gave up by itself (no answers, or no passwords left). */
  readonly gaveUp: boolean;
}

const GAVE_UP = /since we last received a response - stopping|no more passwords|no server response/;

/**
 * Runs svcrack (`-v`) against `user` at `target` with a dictionary; it gives up after
 * `maxSeconds` without answers. svcrack 0.3.3 then still waits out its 10 s socket
 * timeout before exiting, having nothing left to send; once it says it gives up it
 * is stopped 300 ms later. A cracked password ends its loop at once and is printed
 * before that, so stopping it early cannot hide a find.
 */
export async function svcrack(procs: Procs, ns: string, o: { target: string; user: string; dictionary: string; maxSeconds: number; port?: number }): Promise<SvcrackRun> {
  const args = ['-v', `-u${o.user}`, '-d', o.dictionary, '-p', String(o.port ?? 5060), `--maximumtime=${o.maxSeconds}`, o.target];
  const p = procs.start(ns, sipvicious('svcrack'), args, { maxMs: (o.maxSeconds + 30) * 1000 });
  const gaveUp = (await p.waitLine((l) => GAVE_UP.test(l), (o.maxSeconds + 20) * 1000)) !== null;
  await Promise.race([p.exited, new Promise((r) => setTimeout(r, 300))]);
  await p.stop('SIGKILL');
  return { output: p.lines.join('\n'), gaveUp };
}

/** Runs svwar over `extensions` (e.g. `200-230`); `force` skips its sanity check; killed after `killAfterMs` (default 30 s). */
export async function svwar(ns: string, o: { target: string; extensions: string; force: boolean; maxSeconds: number; killAfterMs?: number }): Promise<ExecResult> {
  const args = [`-e${o.extensions}`, '-p', '5060', `--maximumtime=${o.maxSeconds}`, ...(o.force ? ['--force'] : []), o.target];
  return exec(ns, sipvicious('svwar'), args, { timeoutMs: o.killAfterMs ?? 30_000 });
}

/** Starts sipp guessing `password` for `user`: `calls` REGISTER+digest attempts at `rate` per second. */
export function startSipp(procs: Procs, ns: string, o: {
  from: string; to: string; user: string; password: string; calls: number; rate: number; cwd: string;
}): Proc {
  const remote = o.to.includes(':') ? `[${o.to}]:5060` : `${o.to}:5060`;
  const args = [
    '-t', 'u1', '-i', o.from, remote, '-sf', SIPP_REGISTER_DIGEST, '-s', o.user, '-au', o.user, '-ap', o.password,
    '-m', String(o.calls), '-r', String(o.rate), '-timeout', '30s', '-nostdin', '-nd', '-trace_err', '-error_file', path.join(o.cwd, `sipp-${process.pid}-${Date.now()}.err`),
  ];
  return procs.start(ns, 'sipp', args, { cwd: o.cwd, maxMs: 60_000 });
}
