/**
 * The PBX's own configuration, read as Asterisk reads it: the `.conf` reader (includes,
 * `(+)` additions, templates), a loader for a real tree (under an optional root), and
 * what sipwarden learns from it — the accounts and their classes, and the ports the PBX
 * listens on. Used by `init`, `asterisk-acl`, `accounts` and the daemon.
 */
export { parseConfText, assembleConf, sectionsNamed, lastValue, type ConfTree, type ConfSection, type ConfEntry, type ConfSource, type ConfLine, type ConfAppend, type ConfInclude, type ConfProblem } from './conf.js';
export { loadConf, fsSource, readIfFile, ASTERISK_CONFIG_DIR, type LoadConfOptions } from './loader.js';
export { discoverAccounts, pjsipAccounts, peerAccounts } from './accounts.js';
export { discoverPorts, listeningPorts, splitHostPort, type ListenPort, type PortDiscovery, type PortService, type PortTrees } from './ports.js';
