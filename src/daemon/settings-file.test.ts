/**
 * One truth for settings (issue 13, part 2), with the daemon's own wiring (createDaemon
 * over a real store and a real config file in a temp dir; a dry-run firewall, no
 * sources): a dashboard change is written into the file, so a person's later edit of the
 * file wins at the next start; an older version's stored override is moved into the file
 * once and said; a file that cannot be written refuses the change plainly; and
 * `sipwarden status` prints what the running daemon does, not what the file says.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { statusCommand } from '../cli/admin.js';
import { loadConfig } from '../config/index.js';
import { DryRunEnforcer } from '../enforcers/index.js';
import { Store } from '../store/index.js';
import { createDaemon, type Daemon } from './create.js';
import { MIGRATED_META_KEY } from './settings-file.js';
import { SETTINGS_META_KEY } from './web.js';

let dir: string;
let file: string;
let lines: Array<{ msg: string; keys?: string[] }>;
const running: Daemon[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sipwarden-settings-file-'));
  file = join(dir, 'sipwarden.yaml');
  lines = [];
});
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
  rmSync(dir, { recursive: true, force: true });
});

const yaml = (protection: 'on' | 'off', internal: string, port?: number) => [
  '# sipwarden at the office',
  `protection: ${protection} # the big switch`,
  'networks:',
  `  internal: [${internal}] # office LAN`,
  'asterisk:',
  '  logs: []',
  `store: { path: ${join(dir, 'sipwarden.db')} }`,
  `failed_auth_log: { path: ${join(dir, 'failed-auth.log')} }`,
  ...(port ? [`web: { listen: "127.0.0.1:${port}" }`] : []),
  '',
].join('\n');

/** Starts the daemon on the file as `sipwarden run` does: the file loaded, and named as where changes go. */
async function start(web = false): Promise<Daemon> {
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as { msg: string }) });
  const { config, path } = loadConfig(file);
  const d = createDaemon({
    config, configFile: path ?? file, log, now: () => Date.now(), hostAddresses: [],
    ...(web ? { web: { listen: { host: '127.0.0.1', port: 0 }, ignoreLoginFailures: true } } : { web: false }),
    enforcer: ({ zoneOf, log: l }) => new DryRunEnforcer(zoneOf, l),
    pbx: { accounts: () => undefined, ports: () => ({ ok: true, ports: [], notes: [] }) },
    sources: () => ({ start() {}, async drain() {}, close() {}, cursors: () => [], followers: () => [], ami: () => null, health: () => ({ sources: [], ami: null }) }),
  });
  await d.start();
  running.push(d);
  return d;
}

async function stop(d: Daemon): Promise<void> {
  running.splice(running.indexOf(d), 1);
  await d.stop();
}

describe('dashboard settings and the config file', () => {
  it('a dashboard change goes into the file; the file edited afterwards is what the daemon uses at its next start', async () => {
    writeFileSync(file, yaml('on', '192.168.1.0/24'));
    const first = await start();
    await first.controls.setProtection('off', 'admin');
    expect(first.engine.policy.protectionOn).toBe(false);
    const written = readFileSync(file, 'utf8');
    expect(written).toContain('protection: off # the big switch');
    expect(written).toContain('# sipwarden at the office');
    expect(readFileSync(`${file}.bak`, 'utf8')).toBe(yaml('on', '192.168.1.0/24'));
    await stop(first);

    // The person turns protection on and adds a network in the file, then restarts the daemon.
    writeFileSync(file, yaml('on', '192.168.1.0/24, 10.20.0.0/16'));
    const second = await start();
    expect(second.controls.protection()).toBe('on');
    expect(second.engine.policy.protectionOn).toBe(true);
    expect(second.controls.networks().internal).toEqual(['192.168.1.0/24', '10.20.0.0/16']);
    expect(second.engine.zoneOf('10.20.3.4' as never)).toBe('internal');
  });

  it('moves an older version\'s stored override into the file once, says which keys, and keeps the stored copy', async () => {
    writeFileSync(file, yaml('on', '192.168.1.0/24'));
    const store = Store.open(join(dir, 'sipwarden.db'));
    const older = { protection: 'off', networks: { internal: ['10.0.0.0/8'], trusted: [], trustedNames: [] } };
    store.setMeta(SETTINGS_META_KEY, JSON.stringify(older));
    store.close();

    const d = await start();
    expect(d.controls.protection()).toBe('off');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('protection: off # the big switch');
    expect(text).toContain('internal: [ 10.0.0.0/8 ] # office LAN');
    expect(lines.find((l) => l.msg.startsWith('dashboard settings kept by an older version moved into'))?.keys).toEqual(['protection', 'networks']);
    expect(d.store.getMeta(SETTINGS_META_KEY)).toBe('');
    expect(JSON.parse(d.store.getMeta(MIGRATED_META_KEY) ?? '{}')).toMatchObject({ file, keys: ['protection', 'networks'], stored: JSON.stringify(older) });
    await stop(d);

    // Once: the next start reads the file alone, and a later edit of the file wins.
    writeFileSync(file, yaml('on', '10.0.0.0/8'));
    lines = [];
    const again = await start();
    expect(again.controls.protection()).toBe('on');
    expect(lines.some((l) => l.msg.includes('moved into'))).toBe(false);
  });

  it('refuses a change the file cannot take, plainly, and keeps the settings in force', async () => {
    // The daemon runs with no config file, and the default place to create one does not exist.
    file = join(dir, 'missing', 'sipwarden.yaml');
    mkdirSync(join(dir, 'missing'));
    writeFileSync(file, yaml('on', '192.168.1.0/24'));
    const d = await start();
    rmSync(join(dir, 'missing'), { recursive: true });
    await expect(d.controls.setProtection('off', 'admin')).rejects.toThrow(`cannot write the config file ${file}: its directory does not exist; nothing was changed`);
    expect(d.controls.protection()).toBe('on');
    expect(d.engine.policy.protectionOn).toBe(true);
  });
});

describe('sipwarden status', () => {
  it('prints the protection the running daemon enforces, and the file\'s when it differs', async () => {
    writeFileSync(file, yaml('on', '192.168.1.0/24'));
    const d = await start(true);
    const port = Number(new URL(d.url ?? '').port);
    await d.controls.setProtection('off', 'admin');
    // Someone edits the file back to on but does not restart the daemon: it still does not block.
    writeFileSync(file, yaml('on', '192.168.1.0/24', port));
    const out: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
      out.push(String(s));
      return true;
    });
    try {
      await statusCommand({ config: file });
      await statusCommand({ config: file, json: true });
    } finally {
      write.mockRestore();
    }
    expect(out[0]).toContain('protection:       off (in force in the daemon; the config file now says on: restart sipwarden to use it)');
    expect(JSON.parse(out[1] ?? '{}')).toMatchObject({ running: true, protection: 'off', protectionInFile: 'on' });
  });
});
