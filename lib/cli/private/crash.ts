import { ExitCode } from '../../operations';

/** How a crash is reported. */
export interface CrashReport {
  /** Whether to print where it happened (the stack). */
  readonly debug: boolean;
  /** The package's version, for the report. */
  readonly version: string;
  /** Writes one line of the report. */
  readonly write: (line: string) => void;
}

/**
 * Reports an error the CLI did not expect: what it says, that it is a bug of the package and not
 * of the command line or the project, and where it happened only with --debug. Returns the
 * crash's exit status.
 */
export function crashed(command: string, error: unknown, report: CrashReport): number {
  const message = error instanceof Error ? error.message : String(error);
  report.write(`[${command}] crashed: ${message}`);
  report.write(
    `[${command}] This is a bug of cdktf-deployment-pipeline ${report.version}: please report it with the command line and this output${report.debug ? '' : ' (run it again with --debug to see where it happened)'}.`,
  );
  if (report.debug && error instanceof Error && error.stack) report.write(error.stack);
  return ExitCode.CRASH;
}
