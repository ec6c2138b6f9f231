/**
 * The marked blocks sipwarden init adds to Asterisk files. Each is
 *
 *   ; added by sipwarden init [<purpose>] (sipwarden init --uninstall removes this block)
 *   <lines>
 *   ; end of block added by sipwarden init
 *
 * so a later init recognises its own work (idempotence) and uninstall can take the
 * blocks out of a file that changed since (when the backup can no longer be restored
 * byte for byte). Pure text functions.
 */

/** Why a block was added. */
export type BlockPurpose = 'security-channel' | 'ami-enable' | 'ami-user' | 'fraud-check' | 'predial-hook';

/** The first words of a block's opening line. */
export const BLOCK_BEGIN = '; added by sipwarden init';
/** A block's closing line. */
export const BLOCK_END = '; end of block added by sipwarden init';

const BEGIN_RE = /^; added by sipwarden init \[([a-z-]+)\]/;

/** A block to add: its purpose and its lines (without markers). */
export interface Block {
  readonly purpose: BlockPurpose;
  readonly lines: readonly string[];
}

/** The block's text with its markers, ending in a newline. */
export function renderBlock(b: Block): string {
  return [`${BLOCK_BEGIN} [${b.purpose}] (sipwarden init --uninstall removes this block)`, ...b.lines, BLOCK_END, ''].join('\n');
}

/**
 * `text` with the blocks appended, each after one blank line of its own (none at the
 * start of an empty file; a missing final newline is added first). `removeBlocks`
 * takes that blank line out with its block, giving back `text` exactly when it ended
 * in a newline.
 */
export function appendBlocks(text: string, blocks: readonly Block[]): string {
  if (blocks.length === 0) return text;
  const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return text + sep + blocks.map(renderBlock).join('\n');
}

/** A block found in a text: its purpose and its first and last line indexes (0-based, inclusive). */
export interface FoundBlock {
  readonly purpose: string;
  readonly first: number;
  readonly last: number;
}

/** The complete marked blocks in `text` (an opening line without its closing line is ignored). */
export function findBlocks(text: string): FoundBlock[] {
  return findMarkedBlocks(text, BEGIN_RE, BLOCK_END);
}

/**
 * The complete blocks between an opening line matching `begin` (its first group is the
 * purpose) and a closing line `end`, in order. Shared by every command that marks its
 * blocks in Asterisk files (init, asterisk-acl), each with its own markers.
 */
export function findMarkedBlocks(text: string, begin: RegExp, end: string): FoundBlock[] {
  const lines = text.split('\n');
  const out: FoundBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = begin.exec(lines[i] as string);
    if (!m) continue;
    const last = lines.findIndex((l, j) => j > i && l.trimEnd() === end);
    if (last < 0) break;
    out.push({ purpose: m[1] as string, first: i, last });
    i = last;
  }
  return out;
}

/** `text` without `blocks` (found in it), each with the one blank line before it, if any. */
export function dropMarkedBlocks(text: string, blocks: readonly FoundBlock[]): string {
  if (blocks.length === 0) return text;
  const lines = text.split('\n');
  const drop = new Set<number>();
  for (const b of blocks) {
    for (let i = b.first; i <= b.last; i++) drop.add(i);
    if (b.first > 0 && (lines[b.first - 1] as string).trim() === '' && !drop.has(b.first - 1)) drop.add(b.first - 1);
  }
  return lines.filter((_, i) => !drop.has(i)).join('\n');
}

/** `text` without its marked blocks, each taken out with the one blank line before it, if any. */
export function removeBlocks(text: string): string {
  return dropMarkedBlocks(text, findBlocks(text));
}
