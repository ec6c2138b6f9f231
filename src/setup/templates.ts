/**
 * The files sipwarden init writes whole: sipwarden.yaml, the systemd unit and the
 * logrotate entry. Pure functions of their inputs.
 */
import { stringify } from 'yaml';
import { renderDefaultConfig } from '../config/index.js';

/** The first line of every file sipwarden init writes whole. */
export const WRITTEN_BY = 'Installed by `sipwarden init`; `sipwarden init --uninstall` removes it.';

/** What the generated sipwarden.yaml says about Asterisk. */
export interface ConfigValues {
  /** null: leave `logs: null` (the defaults that exist). */
  readonly logs: readonly string[] | null;
  readonly ami: { readonly host: string; readonly port: number; readonly username: string; readonly secret: string } | null;
  /** Extensions used outside the office (`accounts.roaming`); absent: none. */
  readonly roaming?: readonly string[];
}

const scalar = (v: string | number | boolean) => stringify(v).trimEnd();

/** Replaces the one line `old` of `text`; throws (a bug) if it is not there exactly once. */
function replaceLine(text: string, old: string, replacement: string): string {
  const lines = text.split('\n');
  const at = lines.indexOf(old);
  if (at < 0 || lines.indexOf(old, at + 1) >= 0) throw new Error(`renderDefaultConfig() no longer has exactly one line ${JSON.stringify(old)}`);
  lines[at] = replacement;
  return lines.join('\n');
}

/**
 * The default config (`renderDefaultConfig()`, every key commented) with `asterisk.logs`
 * and `asterisk.ami` filled in. The result holds the AMI secret: write it mode 0600.
 */
export function renderConfig(v: ConfigValues): string {
  let text = `# ${WRITTEN_BY.replace('removes it', 'keeps it (--purge removes it)')}\n${renderDefaultConfig()}`;
  if (v.logs !== null) text = replaceLine(text, '  logs: null', `  logs: [${v.logs.map(scalar).join(', ')}]`);
  // What the owner asked for: phones register only from inside; trunks from anywhere.
  text = replaceLine(text, '  extensions_internal_only: false', '  extensions_internal_only: true');
  // ... except the phones the owner named as used outside the office (init's question).
  if (v.roaming?.length) text = replaceLine(text, '  roaming: []', `  roaming: [${v.roaming.map((r) => JSON.stringify(r)).join(', ')}]`);
  if (v.ami !== null) {
    text = replaceLine(text, '  ami: null', [
      '  ami:',
      `    host: ${scalar(v.ami.host)}`,
      `    port: ${v.ami.port}`,
      `    username: ${scalar(v.ami.username)}`,
      `    secret: ${JSON.stringify(v.ami.secret)}`,
      '    # true: TLS (manager.conf tlsbindport, usually port 5039), verified against ca:',
      '    tls: false',
      '    # the PBX\'s own CA file (PEM) for TLS; null: the system\'s CAs.',
      '    ca: null',
    ].join('\n'));
  }
  return text;
}

/** The first line of the files the Debian package installs (unit, logrotate entry). */
export const PACKAGED_BY = 'Installed by the sipwarden Debian package; local changes go in a drop-in (systemctl edit sipwarden.service).';

/** What the unit needs to know about this host. */
export interface UnitValues {
  /** Absolute path of the node binary. */
  readonly nodePath: string;
  /** Absolute path of dist/cli/main.js. */
  readonly mainJs: string;
  /** Directories the daemon writes (store, failed-auth log). */
  readonly readWritePaths: readonly string[];
  /** Directories it only reads (Asterisk's logs); may not exist. */
  readonly readOnlyPaths: readonly string[];
  /** `read-only` when node or the checkout lives under /home, /root or /run/user. */
  readonly protectHome: 'yes' | 'read-only';
  /** False when node or the checkout lives under /tmp or /var/tmp. */
  readonly privateTmp: boolean;
  /** The comment on the first line (default: written by init). */
  readonly header?: string;
  /** Documentation= entries (only where the man pages are installed: systemd-analyze verify checks them). */
  readonly documentation?: readonly string[];
}

/**
 * The systemd unit: ready when the daemon says so (Type=notify), restarted when it hangs
 * (watchdog) or fails, after Asterisk and nftables, with only the capabilities it needs
 * and a sandbox that still lets nft work. `systemd-analyze security` (systemd 252) rates
 * it 2.4 (OK; 2.3 without CAP_NET_RAW, which only iptables-legacy needs, 2.2 with
 * NotifyAccess=main, which systemd-notify cannot use); the package's container test
 * checks it is at most 2.5 while the daemon bans.
 */
export function renderUnit(v: UnitValues): string {
  return [
    `# ${v.header ?? WRITTEN_BY}`,
    '[Unit]',
    'Description=sipwarden: stops SIP password guessing and extension scanning on Asterisk/FreePBX',
    ...(v.documentation?.length ? [`Documentation=${v.documentation.join(' ')}`] : []),
    'After=network-online.target asterisk.service nftables.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    '# Ready once the daemon runs (store opened, bans back in the kernel, logs followed);',
    '# it tells systemd through systemd-notify, a child process: hence NotifyAccess=all.',
    'Type=notify',
    'NotifyAccess=all',
    `ExecStart=${v.nodePath} ${v.mainJs} run`,
    // SIGHUP reopens the failed-auth log (logrotate).
    'ExecReload=/bin/kill -HUP $MAINPID',
    'SyslogIdentifier=sipwarden',
    'Restart=on-failure',
    'RestartSec=5s',
    '# A first start may rebuild a damaged store or restore a million bans into the kernel.',
    'TimeoutStartSec=5min',
    '# The daemon pings every 20 s from its event loop; one silent for 60 s is restarted (bans stay in the kernel).',
    'WatchdogSec=60s',
    '# Runs as root, holding only these capabilities:',
    '#   CAP_NET_ADMIN        nft (and ipset/iptables) change the firewall over netlink',
    '#   CAP_NET_RAW          iptables, for the ipset fallback backend, opens a raw socket',
    "#   CAP_DAC_READ_SEARCH  read Asterisk's logs, owned by the asterisk user, without owning them",
    '# To run as another user, add User=/Group= and give it /var/lib/sipwarden and /var/log/sipwarden;',
    '# AmbientCapabilities then hands it the same three capabilities.',
    'CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_DAC_READ_SEARCH',
    'AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW CAP_DAC_READ_SEARCH',
    'NoNewPrivileges=yes',
    '# The file system: read-only but for its own directories.',
    'ProtectSystem=strict',
    `ReadWritePaths=${v.readWritePaths.join(' ')}`,
    '# iptables-legacy takes this lock (the nftables backend does not need it).',
    'ReadWritePaths=-/run/xtables.lock',
    `ReadOnlyPaths=${v.readOnlyPaths.map((p) => `-${p}`).join(' ')}`,
    `ProtectHome=${v.protectHome}`,
    `PrivateTmp=${v.privateTmp ? 'yes' : 'no'}`,
    'PrivateDevices=yes',
    'PrivateMounts=yes',
    'ProtectProc=invisible',
    '# The kernel: no modules, tunables, logs, clock, host name or control groups to change.',
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    '# Sockets: local (journal, systemd-notify), IP (AMI, dashboard, alert webhook) and netlink (nft).',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
    'RestrictNamespaces=yes',
    'RestrictRealtime=yes',
    'RestrictSUIDSGID=yes',
    'LockPersonality=yes',
    '# No MemoryDenyWriteExecute: V8 compiles JavaScript to machine code at run time.',
    'SystemCallArchitectures=native',
    '# What a service needs (nft\'s netlink calls included), minus privileged and resource-changing calls;',
    '# a refused call fails with EPERM instead of killing the daemon.',
    'SystemCallFilter=@system-service',
    'SystemCallFilter=~@privileged @resources',
    'SystemCallErrorNumber=EPERM',
    '# Files it creates are its own (the store sets its 0640 itself).',
    'UMask=0077',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** The Debian package's own locations. */
export const PACKAGED = Object.freeze({
  /** The bundled Node.js runtime. */
  node: '/usr/lib/sipwarden/node',
  /** The product: dist/, web/dist/, node_modules/, package.json. */
  app: '/usr/lib/sipwarden/app',
  unit: '/lib/systemd/system/sipwarden.service',
});

/** The unit the Debian package installs: the bundled runtime, the default directories. */
export function renderPackagedUnit(): string {
  return renderUnit({
    nodePath: PACKAGED.node,
    mainJs: `${PACKAGED.app}/dist/cli/main.js`,
    readWritePaths: ['/var/lib/sipwarden', '/var/log/sipwarden'],
    readOnlyPaths: ['/var/log/asterisk'],
    protectHome: 'yes',
    privateTmp: true,
    header: PACKAGED_BY,
    documentation: ['man:sipwarden(8)', 'man:sipwarden.yaml(5)'],
  });
}

/** The logrotate entry for the failed-auth log; the daemon reopens it on SIGHUP. */
export function renderLogrotate(failedAuthLog: string, header: string = WRITTEN_BY): string {
  return [
    `# ${header}`,
    `${failedAuthLog} {`,
    '    weekly',
    '    rotate 12',
    '    compress',
    '    delaycompress',
    '    missingok',
    '    notifempty',
    '    postrotate',
    // Only the main process: a HUP to an nft child mid-transaction would kill it.
    '        systemctl kill -s HUP --kill-who=main sipwarden.service >/dev/null 2>&1 || true',
    '    endscript',
    '}',
    '',
  ].join('\n');
}
