import { ProgressEvent, ProgressListener } from './interaction';

/**
 * Progress and error lines of one operation, sent to its listener as {@link ProgressEvent}s
 * (the CLI prints each as `[<operation>] <line>`); without a listener they are dropped.
 */
export class Progress {
  constructor(
    /** The operation's name, e.g. `deploy`. */
    public readonly prefix: string,
    private readonly listener?: ProgressListener,
  ) {}

  /** A line of progress. */
  public log(line: string): void {
    this.emit('info', line);
  }

  /** A line that reports a failure or a finding. */
  public error(line: string): void {
    this.emit('error', line);
  }

  /** Lines passed on as they are (e.g. the tail of a failed engine run's log). */
  public raw(lines: readonly string[]): void {
    for (const line of lines) this.emit('detail', line);
  }

  private emit(level: ProgressEvent['level'], message: string): void {
    this.listener?.({ operation: this.prefix, level, message });
  }
}
