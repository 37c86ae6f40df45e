/**
 * The exit statuses of every command, one table (docs/cli.md shows it).
 * 2 and 3 are answers, not failures: a CI job can tell them apart from an error.
 */
export const ExitCode = {
  /** Done; nothing to report. */
  OK: 0,
  /** The command failed (a deploy, a smoke test, a state that cannot be read, ...). */
  ERROR: 1,
  /** `drift`: something changed outside a deploy; `plan`: a deploy would change something; `run`: paused at an approval gate. */
  CHANGES: 2,
  /** `approve --check`: the release is not approved yet. */
  NOT_APPROVED: 3,
  /**
   * The command line is wrong (an unknown command, flag or stack, a missing or malformed value,
   * a destroy without confirmation): nothing was done. 64 is EX_USAGE of sysexits.h.
   */
  USAGE: 64,
  /**
   * The CLI crashed: an error it did not expect, which is a bug of the package, not of the
   * command line or the project. 70 is EX_SOFTWARE of sysexits.h.
   */
  CRASH: 70,
  /**
   * The command was interrupted (Ctrl-C, or the `signal` given to `Operations`): it started
   * nothing after the engine's current run, which stopped and recorded what it had done. 130 is
   * 128 + SIGINT, as shells report it.
   */
  INTERRUPTED: 130,
} as const;

/** A failure the user can fix: what went wrong, and what to do. Printed as two lines. */
export class OperationError extends Error {
  /** The exit status the CLI ends with. */
  public readonly exitCode: number = ExitCode.ERROR;

  constructor(
    message: string,
    /** What to do about it. */
    public readonly fix: string,
  ) {
    super(message);
    this.name = 'OperationError';
  }
}

/**
 * A command line the CLI refuses before it changes anything (an unknown stack, a destroy that
 * was not confirmed): exit status 64, like the parser's own refusals.
 */
export class UsageError extends OperationError {
  public override readonly exitCode: number = ExitCode.USAGE;

  constructor(message: string, fix: string) {
    super(message, fix);
    this.name = 'UsageError';
  }
}

/**
 * An operation that stopped because it was interrupted: what the engine finished is recorded, and
 * the same command run again finishes what this one began. Exit status 130.
 */
export class InterruptedError extends OperationError {
  public override readonly exitCode: number = ExitCode.INTERRUPTED;

  constructor(message: string, fix: string) {
    super(message, fix);
    this.name = 'InterruptedError';
  }
}

/** A failure whose report is already complete (e.g. the app's configuration problems). */
export class ReportedError extends Error {
  constructor(
    /** The whole report, printed as it is. */
    public readonly report: string,
  ) {
    super(report);
    this.name = 'ReportedError';
  }
}
