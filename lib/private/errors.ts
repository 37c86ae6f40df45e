/**
 * Error factories: every message names the subject, the field, the rule, the value received and
 * the fix. Configuration problems are collected and thrown once, all of them together.
 */

/** Thrown when configuration is wrong; lists every problem found. */
export class ConfigurationError extends Error {
  /** Every problem found, each naming the field, the value and the fix. */
  public readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    const count =
      problems.length === 1
        ? '1 configuration problem'
        : `${problems.length} configuration problems`;
    super(`${count}; nothing was deployed:\n${list}`);
    this.name = 'ConfigurationError';
    this.problems = problems;
  }
}

/** Collects problems and throws them all at once. */
export class ProblemCollector {
  private readonly problems: string[] = [];

  public add(problem: string): void {
    this.problems.push(problem);
  }

  public get count(): number {
    return this.problems.length;
  }

  public throwIfAny(): void {
    if (this.problems.length > 0) throw new ConfigurationError(this.problems);
  }
}

/** `<subject>: '<field>' <rule>, got <value>. <fix>` */
export function invalidValue(
  subject: string,
  field: string,
  rule: string,
  value: unknown,
  fix: string,
): string {
  return `${subject}: '${field}' ${rule}, got ${show(value)}. ${fix}`;
}

export function show(value: unknown): string {
  if (typeof value === 'string')
    return /[\n\r\0]/.test(value) ? JSON.stringify(value) : `'${value}'`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const made = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const name = made?.constructor?.name;
    if (made !== null && name && name !== 'Object') return `a ${name}`;
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
