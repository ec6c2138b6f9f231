/** `sipwarden accounts`: which accounts are extensions, trunks or roaming, and why. */
import { loadConfig } from '../config/index.js';
import { ruleInput } from '../daemon/inputs.js';
import { discoverAccounts } from '../asterisk/index.js';
import { compileAccounts } from '../engine/index.js';
import { terminalJson } from '../domain/strings.js';

export function accountsCommand(opts: { config?: string; json?: boolean }): void {
  const { config } = loadConfig(opts.config);
  const found = config.accounts.discover ? discoverAccounts({ configDir: config.accounts.asteriskConfigDir }) : { accounts: new Map(), files: [] };
  const rules = ruleInput(config, found.accounts);
  // The effective class: config patterns first, then discovery (the engine's own classifier).
  const classify = compileAccounts(rules.accounts!);
  const rows = [...found.accounts.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).map((name) => ({ name, ...classify(name) }));
  const patterns = { extensions: config.accounts.extensions, trunks: config.accounts.trunks, roaming: config.accounts.roaming };
  if (opts.json) {
    process.stdout.write(`${terminalJson({ extensionsInternalOnly: rules.extensionsInternalOnly, patterns, discovered: rows, files: found.files })}\n`);
    return;
  }
  const out = [
    `extensions only from internal networks: ${config.accounts.extensionsInternalOnly ? 'yes' : 'no (accounts.extensions_internal_only)'}`,
    `config patterns: extensions ${JSON.stringify(patterns.extensions)}, trunks ${JSON.stringify(patterns.trunks)}, roaming ${JSON.stringify(patterns.roaming)} (patterns win over discovery)`,
    config.accounts.discover ? `read from ${found.files.length ? found.files.join(', ') : `nothing: no pjsip.conf, sip.conf or iax.conf under ${config.accounts.asteriskConfigDir}`}` : 'discovery off (accounts.discover)',
    '',
  ];
  for (const r of rows) out.push(`${r.name.padEnd(20)} ${r.cls.padEnd(10)} ${r.why}`);
  if (rows.length === 0) out.push('no accounts discovered');
  process.stdout.write(`${out.join('\n')}\n`);
}
