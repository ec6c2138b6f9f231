// @ts-check
/**
 * Writes the package's generated files from the staged product itself, so each comes
 * from the same code as the running program: the systemd unit and the logrotate entry
 * (src/setup/templates.ts, as `init` would write them), the commented default config
 * (src/config/render.ts), the man pages (src/cli/manpage.ts: `--help`'s command tree
 * and the config renderer) and the bash and zsh completions (src/cli/completion.ts).
 * Usage: node packaging/render.mjs <staged app dir> <package root> <version> <date>
 * (scripts/package runs it with the bundled node).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [app, root, version, date] = process.argv.slice(2);
if (!app || !root || !version || !date) throw new Error('usage: render.mjs APP ROOT VERSION DATE');
/** @param {string} rel */
const load = (rel) => import(pathToFileURL(join(app, 'dist', rel)).href);
const { renderPackagedUnit, renderLogrotate, PACKAGED_BY } = await load('setup/templates.js');
const { renderDefaultConfig } = await load('config/index.js');
const { buildProgram } = await load('cli/program.js');
const { renderCommandManPage, renderConfigManPage } = await load('cli/manpage.js');
const { renderBashCompletion, renderZshCompletion } = await load('cli/completion.js');

/** @param {string} path @param {string} text */
function write(path, text) {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text, { mode: 0o644 });
}

const stamp = { version, date };
const program = buildProgram();
write('lib/systemd/system/sipwarden.service', renderPackagedUnit());
write('etc/logrotate.d/sipwarden', renderLogrotate('/var/log/sipwarden/failed-auth.log', PACKAGED_BY.replace(/;.*$/, '.')));
write('usr/share/doc/sipwarden/examples/sipwarden.yaml', renderDefaultConfig());
write('usr/share/man/man8/sipwarden.8', renderCommandManPage(program, stamp));
write('usr/share/man/man5/sipwarden.yaml.5', renderConfigManPage(stamp));
write('usr/share/bash-completion/completions/sipwarden', renderBashCompletion(program));
write('usr/share/zsh/vendor-completions/_sipwarden', renderZshCompletion(program));
