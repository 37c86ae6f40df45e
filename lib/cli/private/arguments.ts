import { existsSync, statSync } from 'node:fs';

import { InvalidArgumentError } from 'commander';

import { ReleaseToApprove } from '../../operations/approve';
import { PIPELINE_DEFAULTS } from '../../private/defaults';
import { TIME_TO_LIVE_RULE, timeToLiveSeconds } from '../../private/duration';
import { digestOf, IMAGE_NAME_PATTERN, RELEASE_ID_PATTERN } from '../../private/release';

/** An image digest, or a prefix of one: `sha256:` and 12 to 64 hex digits. */
const DIGEST_PREFIX_PATTERN = /^sha256:[0-9a-f]{12,64}$/;

/**
 * Parsers of option and argument values: each returns the value it read, or throws the parser's
 * InvalidArgumentError, which the CLI reports as a usage error before anything runs.
 */

/** A whole number of at least 1, e.g. `--load 200`. */
export function positiveInteger(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
      throw new InvalidArgumentError(`It must be a whole number of at least 1, e.g. ${flag} 10.`);
    }
    return n;
  };
}

/** A pipeline run's release: its id, 12 hex digits. */
export function runRelease(value: string): string {
  if (!RELEASE_ID_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      `It must be a release id, 12 hex digits. In CI the value comes from the image job (${PIPELINE_DEFAULTS.releaseVariable}): make the job need it. By hand, copy the release the image deploy reported.`,
    );
  }
  return value;
}

/**
 * A release to approve: its id (12 hex digits); every image as `name=sha256:…`, separated by
 * commas or spaces; or, for a delivery of one image, its digest (or a reference ending in it).
 * A digest may be given by its first 12 or more hex digits.
 */
export function releaseToApprove(value: string): ReleaseToApprove {
  if (RELEASE_ID_PATTERN.test(value)) return { id: value };
  const digest = digestOf(value);
  if (!value.includes('=') && DIGEST_PREFIX_PATTERN.test(digest)) return { digest };
  const words = value.split(/[\s,]+/).filter(Boolean);
  const images: { [name: string]: string } = {};
  for (const word of words.length > 0 ? words : ['']) {
    const [name, image, ...rest] = word.split('=');
    if (
      rest.length > 0 ||
      !IMAGE_NAME_PATTERN.test(name) ||
      !DIGEST_PREFIX_PATTERN.test(image ?? '') ||
      Object.hasOwn(images, name)
    ) {
      throw new InvalidArgumentError(
        "It must be a release id (12 hex digits, as status shows it), every image as 'name=sha256:<hex digits>' separated by commas (12 or more digits of each digest), or the digest of a delivery's one image. Or approve what a stage verified: --from STAGE.",
      );
    }
    images[name] = image;
  }
  return { images };
}

/** A digest or its prefix: `sha256:` and at least 12 hex digits. */
export function digestPrefix(value: string): string {
  if (!DIGEST_PREFIX_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      "It must be 'sha256:' and at least 12 hex digits, e.g. sha256:0123456789ab.",
    );
  }
  return value;
}

/** A comma-separated list of names, e.g. `--skip lint,unit-tests`. */
export function nameList(flag: string): (value: string) => string[] {
  return (value) => {
    const names = value.split(',').filter(Boolean);
    if (names.length === 0) {
      throw new InvalidArgumentError(`Give stage ids, e.g. ${flag} lint,unit-tests.`);
    }
    return names;
  };
}

/** '3 days', '12 hours', '1 week', '30 minutes'. */
export function timeToLive(value: string): string {
  if (timeToLiveSeconds(value) === undefined) throw new InvalidArgumentError(TIME_TO_LIVE_RULE);
  return value;
}

/** A file for an HTML report: ends in `.html` and is not a folder; its folder is made if needed. */
export function htmlFile(value: string): string {
  if (!/\.html?$/.test(value) || /(^|\/)\.html?$/.test(value)) {
    throw new InvalidArgumentError(
      'It must be a file name ending in .html, e.g. --html status.html.',
    );
  }
  if (existsSync(value) && statSync(value).isDirectory()) {
    throw new InvalidArgumentError(
      'It is a folder: name a file in it, e.g. --html reports/status.html.',
    );
  }
  return value;
}
