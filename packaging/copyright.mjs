// @ts-check
/**
 * Writes debian/copyright (machine-readable, DEP-5) for what the package really holds:
 * sipwarden itself, the bundled Node.js runtime (its LICENSE, which lists everything
 * Node bundles) and every npm module in the staged node_modules, each with its own
 * license text as the module ships it.
 * Usage: node packaging/copyright.mjs <staged app dir> <node LICENSE file or ""> <out file>
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const [app, nodeLicense, out] = process.argv.slice(2);
if (!app || nodeLicense === undefined || !out) throw new Error('usage: copyright.mjs APP NODE_LICENSE OUT');

const MIT = `Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** A license text as a DEP-5 continuation: each line indented, blank lines as " .". */
const body = (/** @type {string} */ text) => text.replace(/\r/g, '').trim().split('\n').map((l) => (l.trim() === '' ? ' .' : ` ${l.replace(/\t/g, '    ')}`)).join('\n');

/** Every package directory under node_modules (scoped ones included). */
function modules(dir) {
  /** @type {string[]} */
  const found = [];
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.')) continue;
    const p = join(dir, name);
    if (name.startsWith('@')) found.push(...modules(p));
    else if (existsSync(join(p, 'package.json'))) {
      found.push(p);
      found.push(...modules(join(p, 'node_modules')));
    }
  }
  return found;
}

function licenseOf(/** @type {string} */ dir) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const id = typeof pkg.license === 'string' ? pkg.license : pkg.license?.type ?? 'UNKNOWN';
  const file = readdirSync(dir).find((n) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(n));
  const text = file ? readFileSync(join(dir, file), 'utf8') : '';
  const holders = text.split('\n').filter((l) => /^\s*(\(c\)|copyright)/i.test(l) && !/copyright notice|copyright holders? |copyright owner/i.test(l)).map((l) => l.trim());
  const author = typeof pkg.author === 'string' ? pkg.author : pkg.author?.name;
  return {
    name: pkg.name, id: id.replace(/[()]/g, '').replace(/ OR /g, ' or '),
    holders: holders.length > 0 ? holders : [author ? `${author}` : `the ${pkg.name} authors`],
    text,
  };
}

const appRel = 'usr/lib/sipwarden/app';
/** Licenses Debian keeps in /usr/share/common-licenses: referred to, not quoted. */
const COMMON = /** @type {Record<string, string>} */ ({
  'Apache-2.0': '/usr/share/common-licenses/Apache-2.0', 'MPL-2.0': '/usr/share/common-licenses/MPL-2.0', 'CC0-1.0': '/usr/share/common-licenses/CC0-1.0',
});
const paragraphs = [
  [
    'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/',
    'Upstream-Name: sipwarden',
    'Comment: The package bundles its own Node.js runtime and the npm modules sipwarden',
    ' runs with (no development modules). Each module\'s paragraph quotes the license',
    ' file the module ships.',
  ].join('\n'),
  ['Files: *', 'Copyright: the sipwarden authors', 'License: Expat'].join('\n'),
];
if (nodeLicense && existsSync(nodeLicense)) {
  paragraphs.push(['Files: usr/lib/sipwarden/node', 'Copyright: Node.js contributors and the authors of the projects it bundles', 'License: Expat and others', 'Comment: Node.js\'s LICENSE file, which also gives the licenses of the code it bundles:', body(readFileSync(nodeLicense, 'utf8'))].join('\n'));
} else {
  paragraphs.push(['Files: usr/lib/sipwarden/node', 'Copyright: Node.js contributors', 'License: Expat', 'Comment: see https://github.com/nodejs/node/blob/main/LICENSE for the code Node.js bundles.'].join('\n'));
}
for (const dir of modules(join(app, 'node_modules'))) {
  const m = licenseOf(dir);
  const lines = [`Files: ${appRel}/${relative(app, dir)}/*`, `Copyright: ${m.holders[0]}`, ...m.holders.slice(1).map((h) => ` ${h}`)];
  const id = m.id === 'MIT' ? 'Expat' : m.id;
  const common = COMMON[id];
  lines.push(common ? `License: ${id}\n On Debian systems, the full text of the ${id} license is in ${common}.` : m.text ? `License: ${id}\n${body(m.text)}` : `License: ${id}`);
  paragraphs.push(lines.join('\n'));
}
paragraphs.push(`License: Expat\n${body(MIT)}`);
writeFileSync(out, `${paragraphs.join('\n\n')}\n`);
