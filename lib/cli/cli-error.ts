/** A failure the user can fix: what went wrong, and what to do. Printed as two lines. */
export class CliError extends Error {
  constructor(
    message: string,
    /** What to do about it. */
    public readonly fix: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A failure whose report is already complete (e.g. the app's configuration problems). */
export class ReportedError extends Error {
  constructor(public readonly report: string) {
    super(report);
    this.name = 'ReportedError';
  }
}
