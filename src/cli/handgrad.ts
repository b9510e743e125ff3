#!/usr/bin/env node
/**
 * The `handgrad` command (the package's bin). Subcommands:
 *   handgrad check <file> …   check a layer's backward pass (see check-command.ts)
 * Exit codes: 0 success, 1 a check failed, 2 usage error.
 */
import { CHECK_USAGE, checkCommand, type Io } from './check-command.js';
import { UsageError } from './usage-error.js';
import { quote } from '../core/validate.js';

const USAGE = `usage: handgrad <command> [options]

commands:
  check <file>   check a layer's gradients against finite differences (and TensorFlow.js)

run 'handgrad check --help' for its options`;

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'check') return await checkCommand(rest, io);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    throw new UsageError(`unknown command ${quote(command)}`);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`handgrad: ${err.message}`);
    io.err(command === 'check' ? `\n${CHECK_USAGE}` : `\n${USAGE}`);
    return 2;
  }
}

const io: Io = { out: (t) => console.log(t), err: (t) => console.error(t) };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`handgrad: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
