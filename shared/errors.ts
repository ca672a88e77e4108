/**
 * An error the user can act on: the CLI prints its message without a stack and
 * exits with `exitCode` (2 for bad input, 1 for an environment problem).
 */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = 1) {
    super(message);
    this.exitCode = exitCode;
    this.name = 'UserError';
  }
}
