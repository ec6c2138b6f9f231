/**
 * The marked blocks `sipwarden asterisk-acl` puts in Asterisk files, the same shape as
 * `sipwarden init`'s (src/setup/blocks.ts) but naming this command, so each command
 * finds, replaces and removes only its own blocks:
 *
 *   ; added by sipwarden asterisk-acl [<purpose>] (sipwarden asterisk-acl --uninstall removes this block)
 *   <lines>
 *   ; end of block added by sipwarden asterisk-acl
 *
 * A block is appended after one blank line of its own (none at the start of an empty
 * file); removing it takes that blank line too, so append-then-remove gives back the
 * text exactly when it ended in a newline. Pure text functions.
 */

import { dropMarkedBlocks, findMarkedBlocks, type FoundBlock } from '../setup/blocks.js';

/** Why a block is there: the named ACL, the PJSIP endpoint additions, the chan_sip peer additions. */
export type AclPurpose = 'internal-acl' | 'pjsip-endpoints' | 'sip-peers';

/** The first words of a block's opening line. */
export const ACL_BLOCK_BEGIN = '; added by sipwarden asterisk-acl';
/** A block's closing line. */
export const ACL_BLOCK_END = '; end of block added by sipwarden asterisk-acl';

const BEGIN_RE = /^; added by sipwarden asterisk-acl \[([a-z-]+)\]/;

/** A block: its purpose and its lines (without markers). */
export interface AclBlock {
  readonly purpose: AclPurpose;
  readonly lines: readonly string[];
}

/** A block found in a text: purpose, first and last line index (0-based, inclusive). */
export type FoundAclBlock = FoundBlock;

/** The block's lines with its markers (no trailing newline). */
export function blockLines(b: AclBlock): string[] {
  return [`${ACL_BLOCK_BEGIN} [${b.purpose}] (sipwarden asterisk-acl --uninstall removes this block)`, ...b.lines, ACL_BLOCK_END];
}

/** The complete blocks in `text`, in order (an opening line without its closing line is ignored). */
export function findAclBlocks(text: string): FoundAclBlock[] {
  return findMarkedBlocks(text, BEGIN_RE, ACL_BLOCK_END);
}

/** `text` without the blocks of `purpose` (all purposes when omitted), each with the blank line before it. */
export function removeAclBlocks(text: string, purpose?: AclPurpose): string {
  return dropMarkedBlocks(text, findAclBlocks(text).filter((b) => purpose === undefined || b.purpose === purpose));
}

/**
 * `text` holding exactly `block` for its purpose: the first existing block of that
 * purpose is replaced where it stands (any further ones are removed), else the block is
 * appended. `block` null removes the purpose's blocks. Putting the same block twice
 * changes nothing.
 */
export function putAclBlock(text: string, purpose: AclPurpose, block: AclBlock | null): string {
  const [first, ...rest] = findAclBlocks(text).filter((b) => b.purpose === purpose);
  if (block === null) return removeAclBlocks(text, purpose);
  if (first === undefined) {
    const sep = text === '' ? '' : text.endsWith('\n') ? '\n' : '\n\n';
    return `${text}${sep}${blockLines(block).join('\n')}\n`;
  }
  // The others come after the first, so dropping them leaves its line numbers as they are.
  const lines = dropMarkedBlocks(text, rest).split('\n');
  return [...lines.slice(0, first.first), ...blockLines(block), ...lines.slice(first.last + 1)].join('\n');
}
