/** One line of an operation's progress. */
export interface ProgressEvent {
  /** The operation that reports it, e.g. `deploy`. */
  readonly operation: string;
  /**
   * `info`: what the operation does; `error`: a failure or a finding it reports;
   * `detail`: a line passed on from a tool (e.g. the tail of a failed engine run's log).
   */
  readonly level: 'info' | 'error' | 'detail';
  /** The line, without a line break. */
  readonly message: string;
}

/** Receives an operation's progress, line by line, as it happens. */
export type ProgressListener = (event: ProgressEvent) => void;

/** Asks a person (on a terminal, say); for operations that destroy. */
export interface Prompt {
  /** A yes-or-no question; resolves true for yes. */
  ask(question: string): Promise<boolean>;
  /** A question answered with a line of text (e.g. a stage's name, typed back). */
  answer(question: string): Promise<string>;
}
