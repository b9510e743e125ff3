/** A problem with how the command was called (bad flag, missing file, nothing to check): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
