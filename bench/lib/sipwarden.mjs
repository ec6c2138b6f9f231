// @ts-check
/**
 * The daemon and the PBX simulator as the firewall benchmarks run them: built from
 * dist/ (built first if missing), inside the benchmark's pbx namespace, every file in
 * a temp directory. Node built-ins only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const CLI = path.join(ROOT, 'dist/cli/main.js');
export const SIM_HOST = path.join(ROOT, 'test/support/sim-host.mjs');

/** Builds dist/ when the CLI or the simulator is missing (type errors elsewhere do not stop tsc emitting). */
export function ensureBuilt() {
  if (fs.existsSync(CLI) && fs.existsSync(path.join(ROOT, 'build/sim/index.js'))) return;
  process.stderr.write('building dist/ and build/sim (npx tsc)\n');
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  spawnSync('npx', ['tsc', '-p', 'tsconfig.sim.json'], { cwd: ROOT, stdio: 'inherit' });
  if (!fs.existsSync(CLI)) throw new Error('dist/cli/main.js is missing after the build');
}

/**
 * Writes a config keeping every file in `dir`; returns its path.
 * @param {string} dir
 * @param {{ logs: string[], ami?: { port: number, username: string, secret: string } | null, requireSeen?: boolean,
 *   startAt?: 'end' | 'beginning', subnets?: boolean }} opts
 */
export function writeConfig(dir, { logs, ami = null, requireSeen = true, startAt = 'end', subnets = true }) {
  const lines = [
    'networks:', '  internal: []',
    ...(subnets ? [] : ['policy:', '  subnets:', '    enabled: false']),
    'asterisk:', `  logs: [${logs.join(', ')}]`,
    ...(ami ? [`  ami: { host: 127.0.0.1, port: ${ami.port}, username: ${ami.username}, secret: ${ami.secret} }`] : []),
    `  start_at: ${startAt}`,
    'firewall:', '  backend: nftables', '  scope: all', `  require_seen: ${requireSeen}`,
    'store:', `  path: ${path.join(dir, 'sipwarden.db')}`,
    'failed_auth_log:', `  path: ${path.join(dir, 'failed-auth.log')}`,
    'accounts:', '  discover: false', '',
  ];
  const file = path.join(dir, 'sipwarden.yaml');
  fs.writeFileSync(file, lines.join('\n'));
  return file;
}

/**
 * Starts `sipwarden run` in `ns`; resolves once it is running (and, with `ami`, once
 * its AMI connection is up). `onLine(line, arrivalMs)` sees every raw log line: the
 * daemon's stdout is drained at once and parsed only where needed, since pino writes
 * synchronously and a slow reader would stall the daemon being measured.
 * @param {import('./netns.mjs').Lab} lab
 * @param {string} ns
 * @param {string} config its path
 * @param {{ ami?: boolean, onLine?: (line: string, arrivalMs: number) => void }} [opts]
 */
export async function startDaemon(lab, ns, config, { ami = false, onLine } = {}) {
  let running = false;
  let amiUp = !ami;
  /** @type {string[]} */
  const tail = [];
  const proc = lab.start(ns, process.execPath, [CLI, 'run', '--config', config], {
    onLine: (line, t) => {
      if (!running) {
        if (line.includes('"msg":"sipwarden running"')) running = true;
        tail.push(line);
        if (tail.length > 20) tail.shift();
      }
      if (!amiUp && line.includes('"msg":"AMI connection"') && line.includes('"status":"connected"')) amiUp = true;
      onLine?.(line, t);
    },
  });
  const end = Date.now() + 20_000;
  while (!(running && amiUp) && Date.now() < end && proc.child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  if (!(running && amiUp)) throw new Error(`sipwarden did not start: ${tail.join(' | ')} ${proc.stderr()}`);
  return proc;
}

/**
 * Starts the PBX simulator host in `ns`; resolves once it is listening.
 * @param {import('./netns.mjs').Lab} lab
 * @param {string} ns
 * @param {import('../../sim/index.js').PbxOptions & { maxSeconds?: number }} opts passed as JSON to sim-host
 */
export async function startSim(lab, ns, opts) {
  const proc = lab.start(ns, process.execPath, [SIM_HOST, JSON.stringify(opts)], { stdin: 'pipe' });
  if (!(await proc.waitLine((l) => l.startsWith('{"ready":true'), 10_000))) throw new Error(`simulator did not start: ${proc.stderr()}`);
  return proc;
}
