/** Progress and error lines of one command, each prefixed with `[<command>]`. */
export class Output {
  constructor(
    /** The command's name, shown in brackets before each line. */
    public readonly prefix: string,
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly err: NodeJS.WritableStream = process.stderr,
  ) {}

  public log(line: string): void {
    this.out.write(`[${this.prefix}] ${line}\n`);
  }

  public error(line: string): void {
    this.err.write(`[${this.prefix}] ${line}\n`);
  }

  /** Lines passed through as they are (e.g. the tail of a failed command's log). */
  public raw(lines: readonly string[]): void {
    for (const line of lines) this.err.write(`${line}\n`);
  }
}
