import { InvalidArgumentError } from 'commander';

import { DIGEST_PATTERN } from '../constructs/approval';
import { PIPELINE_DEFAULTS } from '../private/defaults';
import { digestOf } from '../private/digest';

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

/** A pipeline run's digest: `sha256:` and 64 hex digits (an image reference's digest too). */
export function runDigest(value: string): string {
  if (!DIGEST_PATTERN.test(value)) {
    throw new InvalidArgumentError(
      `It must be 'sha256:' and 64 hex digits. In CI the value comes from the image job (${PIPELINE_DEFAULTS.digestVariable}): make the job need it. By hand, copy the digest the image deploy reported.`,
    );
  }
  return value;
}

/** A digest to approve: `sha256:<64 hex>`, or an image reference that ends in one. */
export function approvedDigest(value: string): string {
  const digest = digestOf(value);
  if (!DIGEST_PATTERN.test(digest)) {
    throw new InvalidArgumentError(
      "It must be 'sha256:' and 64 hex digits. Copy the digest from the deploy's message, or approve what a stage verified: --from STAGE.",
    );
  }
  return digest;
}

/** A digest or its prefix: `sha256:` and at least 12 hex digits. */
export function digestPrefix(value: string): string {
  if (!/^sha256:[0-9a-f]{12,64}$/.test(value)) {
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

const TIME_UNITS: { readonly [unit: string]: number } = {
  minute: 60,
  hour: 3600,
  day: 86400,
  week: 7 * 86400,
};

/** '3 days', '12 hours', '1 week', '30 minutes' in seconds. */
export function timeToLive(value: string): number {
  const m = /^\s*(\d+)\s*(minute|hour|day|week)s?\s*$/.exec(value);
  if (!m) {
    throw new InvalidArgumentError(
      "It must be a number and a unit (minutes, hours, days, weeks), like '3 days' or '12 hours'.",
    );
  }
  return Number(m[1]) * TIME_UNITS[m[2]];
}
