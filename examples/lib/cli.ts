/**
 * Command-line helpers shared by the example scripts (commander@14): value parsers that reject bad input
 * with a clear message, and a parse that exits with code 2 on a bad command line (0 for --help).
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected an integer ≥ 1.');
  return n;
}

export function integer(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('expected an integer.');
  return n;
}

export function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected a finite number ≥ 0.');
  return n;
}

export function fraction(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !(n > 0 && n < 1)) throw new InvalidArgumentError('expected a number in (0, 1).');
  return n;
}

/**
 * Parses `argv` (user arguments only) with `program` and returns its options. Exits with code 2 on a bad
 * command line (commander has printed why) and 0 after --help.
 */
export function parseOrExit<T>(program: Command, argv: string[]): T {
  program.allowExcessArguments(false).showHelpAfterError('(run with --help for usage)').exitOverride();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? 0 : 2);
    }
    throw err;
  }
  return program.opts<T & Record<string, unknown>>() as T;
}

/** Runs `main`, printing an error's message (not its stack) and exiting 1 if it throws or rejects. */
export function run(main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((err: unknown) => {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    });
}
