import { isAbsolute, relative, resolve } from 'node:path';

import { approvalLines } from '../private/approval-record';
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
    return new Approval(false, undefined);
  }

  /**
   * Deploys only digests listed in the record file: a path inside the project, relative to its
   * root (checked when the delivery is validated).
   */
  public static required(record: string): Approval {
    return new Approval(true, record);
  }

  /** The record file, when approval is required. */
  public readonly record?: string;

  private constructor(
    private readonly required: boolean,
    record: string | undefined,
  ) {
    this.record = record;
  }

  /** Whether the environment deploys only approved digests. */
  public get isRequired(): boolean {
    return this.required;
  }

  /**
   * The approved digests, read from the record file under `root`, and the problems found in it.
   * A missing record means nothing is approved yet.
   */
  public read(root: string, subject: string): { digests: string[]; problems: string[] } {
    if (!this.required) return { digests: [], problems: [] };
    const record: unknown = this.record;
    if (
      typeof record !== 'string' ||
      record.trim() === '' ||
      isAbsolute(record) ||
      relative(root, resolve(root, record)).startsWith('..')
    ) {
      // Records live in the repository, where approvals are reviewed.
      return {
        digests: [],
        problems: [
          invalidValue(
            subject,
            'approval.record',
            'must be a file path inside the project, relative to its root',
            record,
            "Keep the record in the repository, e.g. Approval.required('approvals/prod.txt').",
          ),
        ],
      };
    }
    const digests: string[] = [];
    const problems: string[] = [];
    approvalLines(resolve(root, record)).forEach(({ digest, number }) => {
      if (DIGEST_PATTERN.test(digest)) digests.push(digest);
      else
        problems.push(
          invalidValue(
            subject,
            `approval record ${this.record} line ${number}`,
            "must be a digest 'sha256:<64 hex digits>', optionally followed by '# comment'",
            digest,
            'Fix or remove that line.',
          ),
        );
    });
    return { digests, problems };
  }
}
