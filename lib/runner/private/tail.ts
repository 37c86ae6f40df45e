/** The last non-empty lines of output that comes in chunks. */
export class Tail {
  private kept: string[] = [];
  private partial = '';

  constructor(
    /** How many lines to keep. */
    private readonly size = 40,
  ) {}

  /** Takes a chunk of output (lines may be split across chunks). */
  public add(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    this.kept = [...this.kept, ...lines.filter((l) => l.trim() !== '')].slice(-this.size);
  }

  /** The kept lines, the unfinished last one included. */
  public lines(): string[] {
    return this.partial.trim() === ''
      ? [...this.kept]
      : [...this.kept, this.partial].slice(-this.size);
  }
}
