/** `sipwarden completion bash|zsh`: prints the completion script generated from the command tree. */
import type { Command } from 'commander';
import { renderBashCompletion, renderZshCompletion } from './completion.js';

/** Writes the `shell`'s completion script for `program` to stdout. */
export function completionCommand(program: Command, shell: 'bash' | 'zsh'): void {
  process.stdout.write(shell === 'zsh' ? renderZshCompletion(program) : renderBashCompletion(program));
}
