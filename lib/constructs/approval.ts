import { existsSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

import { approvalLines, approvedRelease } from '../private/approval-record';
import { invalidValue } from '../private/errors';
import { SINGLE_IMAGE } from '../private/release';

/** An image digest: `sha256:` and 64 hex digits. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/**
 * Whether an environment needs an explicit approval of the exact release it deploys: every image
 * of it, by digest.
 *
 * Approvals are a plain text record in the repository, one release a line, each image as
 * `name=sha256:…` separated by spaces (a delivery of one image may write its bare `sha256:…`),
 * with optional comments after `#`: reviewable in a merge request, showing exactly which images
 * go out, and easy to append by hand or by CI (`npx cdktf-pipeline approve <environment> <release>`).
 */
export class Approval {
  /** Deploys whatever the upstream stage verified. */
  public static none(): Approval {
    return new Approval(false, undefined);
  }

  /**
   * Deploys only releases listed in the record file: a path inside the project, relative to its
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

  /** Whether the environment deploys only approved releases. */
  public get isRequired(): boolean {
    return this.required;
  }

  /**
   * The approved releases of a delivery with the images `images`, read from the record file under
   * `root`, each as its key (`name=sha256:…` of every image, by name, joined by commas), and the
   * problems found in the record. A missing record means nothing is approved yet.
   */
  public read(
    root: string,
    subject: string,
    images: readonly string[] = [SINGLE_IMAGE],
  ): {
    /** The approved releases, each as its key. */
    releases: string[];
    /** What is wrong in the record, each with its line. */
    problems: string[];
  } {
    if (!this.required) return { releases: [], problems: [] };
    const record: unknown = this.record;
    const refused = (rule: string, fix: string) => ({
      releases: [],
      problems: [invalidValue(subject, 'approval.record', rule, record, fix)],
    });
    if (
      typeof record !== 'string' ||
      record.trim() === '' ||
      isAbsolute(record) ||
      relative(root, resolve(root, record)).startsWith('..')
    ) {
      // Records live in the repository, where approvals are reviewed.
      return refused(
        'must be a file path inside the project, relative to its root',
        "Keep the record in the repository, e.g. Approval.required('approvals/prod.txt').",
      );
    }
    const file = resolve(root, record);
    if (existsSync(file) && !statSync(file).isFile()) {
      return refused(
        'must be a file, not a folder',
        "Name the record file in that folder, e.g. Approval.required('approvals/prod.txt').",
      );
    }
    const releases: string[] = [];
    const problems: string[] = [];
    approvalLines(file).forEach(({ text, number }) => {
      const release = approvedRelease(text, images);
      if ('key' in release) releases.push(release.key);
      else
        problems.push(
          invalidValue(
            subject,
            `approval record ${this.record} line ${number}`,
            release.problem,
            text,
            'Fix or remove that line.',
          ),
        );
    });
    return { releases, problems };
  }
}
