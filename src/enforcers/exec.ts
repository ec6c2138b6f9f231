/**
 * Running the firewall tools (nft, ipset, iptables) — the only place enforcers spawn
 * processes.
 *
 * Invariants:
 * - No shell: the program and its arguments are passed as an argv array; the only
 *   text a tool reads is what the caller built on stdin from checked values.
 * - With `netns`, the tool runs as `ip netns exec <netns> <tool> ...` (tests use this
 *   to keep every change inside a network namespace they made).
 * - A tool that cannot be found, or that fails for a reason a person can fix (not
 *   root, kernel module missing), becomes ONE line: "<what> — <the fix>".
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SipwardenError } from '../domain/errors.js';

/** Where the tools live on Debian besides $PATH (a service's PATH may lack the sbin folders). */
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

/** Which Debian package ships each tool, for the "install it" hint. */
const PACKAGE_OF: Record<string, string> = { nft: 'nftables', ipset: 'ipset', iptables: 'iptables', ip6tables: 'iptables', 'iptables-restore': 'iptables', 'ip6tables-restore': 'iptables', ip: 'iproute2' };

/** A name a namespace may have (it is passed as one argv element, but stay strict anyway). */
const NETNS_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to reach a tool: its resolved path and, optionally, the namespace to run it in. */
export interface Tool {
  readonly name: string;
  readonly path: string;
  readonly netns: string | undefined;
}

/**
 * Finds `name` (or the explicit `path`) as an executable file; throws the one-line
 * "<name> not found — install it: apt-get install <package>" error otherwise.
 */
export function resolveTool(name: string, explicitPath: string | undefined, netns: string | undefined): Tool {
  if (netns !== undefined && !NETNS_NAME.test(netns)) throw new SipwardenError('ENFORCER_FAILED', `invalid network namespace name ${JSON.stringify(netns)} — use letters, digits, '.', '_' or '-'`);
  const found = explicitPath !== undefined ? (isExecutable(explicitPath) ? explicitPath : null) : findInPath(name);
  if (found === null) {
    const where = explicitPath !== undefined ? ` at ${explicitPath}` : '';
    throw new SipwardenError('ENFORCER_FAILED', `${name} not found${where} — install it: apt-get install ${PACKAGE_OF[name] ?? name}`);
  }
  if (netns !== undefined && findInPath('ip') === null) throw new SipwardenError('ENFORCER_FAILED', 'ip not found — install it: apt-get install iproute2');
  return { name, path: found, netns };
}

/** The program and argv that run the tool with `args` (through `ip netns exec` with a netns). */
export function toolArgv(tool: Tool, args: readonly string[]): { program: string; argv: string[] } {
  if (tool.netns === undefined) return { program: tool.path, argv: [...args] };
  return { program: findInPath('ip') as string, argv: ['netns', 'exec', tool.netns, tool.path, ...args] };
}

/** Runs the tool with `args`, writing `input` to its stdin; never rejects for a non-zero exit. */
export function runTool(tool: Tool, args: readonly string[], input = ''): Promise<ToolResult> {
  const { program, argv } = toolArgv(tool, args);
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new SipwardenError('ENFORCER_FAILED', `${tool.name} could not be started (${e.code ?? e.message}) — check that ${tool.path} is executable`)),
    );
    child.on('close', (code, signal) => {
      const stderr = Buffer.concat(err).toString('utf8');
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
    child.stdin.on('error', () => undefined); // the tool may exit before reading everything; its exit status says why
    child.stdin.end(input);
  });
}

/** Writes text to a streaming tool run; resolves when the tool may take more. */
export type StreamWriter = (text: string) => Promise<void>;

/**
 * Runs the tool with its stdin fed by `produce` while it runs (so the tool parses
 * while the caller still builds the rest). If `produce` throws, `abortLine` is written
 * after the last complete line before stdin is closed: it must be text the tool
 * rejects, so that a tool which only acts on a complete, valid input (nft -f) never
 * acts on the partial one; then the producer's error is rethrown.
 */
export async function runToolStreaming(tool: Tool, args: readonly string[], produce: (write: StreamWriter) => Promise<void>, abortLine: string): Promise<ToolResult> {
  const { program, argv } = toolArgv(tool, args);
  const child = spawn(program, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  const closed = new Promise<ToolResult>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) => reject(new SipwardenError('ENFORCER_FAILED', `${tool.name} could not be started (${e.code ?? e.message}) — check that ${tool.path} is executable`)));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
  const write: StreamWriter = async (text) => {
    if (text.length === 0 || child.stdin.destroyed) return;
    if (!child.stdin.write(text)) {
      await new Promise<void>((r) => {
        const done = () => {
          child.stdin.off('drain', done);
          child.stdin.off('close', done);
          r();
        };
        child.stdin.on('drain', done);
        child.stdin.on('close', done);
      });
    }
    else await new Promise<void>((r) => setImmediate(r)); // let the event loop hand the data to the tool
  };
  try {
    await produce(write);
  } catch (e) {
    child.stdin.end(`\n${abortLine}\n`);
    await closed.catch(() => undefined);
    throw e;
  }
  child.stdin.end();
  return closed;
}

/**
 * Turns a failed run into the one-line error: known causes get their fix, anything
 * else the tool's first error line (capped, newlines removed) and where to look.
 */
export function toolFailure(tool: Tool, what: string, result: ToolResult): SipwardenError {
  const text = `${result.stderr}\n${result.stdout}`;
  const first = firstLine(result.stderr) || firstLine(result.stdout) || `exit status ${result.code}`;
  let message: string;
  if (/Cannot open network namespace/i.test(text)) message = `network namespace ${tool.netns ?? ''} does not exist — create it (ip netns add) or drop the netns option`;
  else if (/Operation not permitted|Permission denied|must be root/i.test(text)) message = `${tool.name}: permission denied while trying to ${what} — run sipwarden as root (or with CAP_NET_ADMIN)`;
  else if (/Protocol not supported|Address family not supported|Cannot open session to kernel|do you need to insmod|Couldn't load (match|target)/i.test(text))
    message = `${tool.name}: the kernel lacks support needed to ${what} (${first}) — load the module (modprobe ${moduleHint(tool.name)}) or choose another firewall backend`;
  else message = `${tool.name} failed to ${what}: ${first}`;
  return new SipwardenError('ENFORCER_FAILED', message);
}

function moduleHint(name: string): string {
  if (name === 'nft') return 'nf_tables';
  if (name === 'ipset') return 'ip_set ip_set_hash_ip';
  return 'xt_set';
}

function firstLine(text: string): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

function findInPath(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d.length > 0), ...SBIN];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
