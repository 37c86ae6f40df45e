import { existsSync, readFileSync } from 'node:fs';

import { invalidValue } from '../private/errors';

/** An image digest: `sha256:` and 64 hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Whether an environment needs an explicit approval of the exact image digest it deploys.
 *
 * Approvals are a plain text record in the repository, one digest a line (`sha256:...`), with
 * optional comments after `#`: reviewable in a merge request, easy to append by hand or by CI
 * (`npm run approve -- <environment> <digest>`).
 */
export class Approval {
  /** Deploys whatever the upstream stage verified. */
  public static none(): Approval {
    return new Approval(undefined);
  }

  /** Deploys only digests listed in the record file (a path relative to the project root). */
  public static required(record: string): Approval {
    return new Approval(record);
  }

  /** The record file, when approval is required. */
  public readonly record?: string;

  private constructor(record: string | undefined) {
    this.record = record;
  }

  /** Whether the environment deploys only approved digests. */
  public get isRequired(): boolean {
    return this.record !== undefined;
  }

  /**
   * The approved digests, read from the record file under `root`, and the problems found in it.
   * A missing record means nothing is approved yet.
   */
  public read(root: string, subject: string): { digests: string[]; problems: string[] } {
    if (this.record === undefined) return { digests: [], problems: [] };
    const path = `${root}/${this.record}`;
    if (!existsSync(path)) return { digests: [], problems: [] };
    const digests: string[] = [];
    const problems: string[] = [];
    readFileSync(path, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        const digest = line.replace(/#.*/, '').trim();
        if (digest === '') return;
        if (DIGEST_PATTERN.test(digest)) digests.push(digest);
        else
          problems.push(
            invalidValue(
              subject,
              `approval record ${this.record} line ${i + 1}`,
              "must be a digest 'sha256:<64 hex digits>', optionally followed by '# comment'",
              digest,
              'Fix or remove that line.',
            ),
          );
      });
    return { digests, problems };
  }
}
