import { createHash } from 'node:crypto';

/**
 * A release: every image of a delivery, by image name, as the digest reference it was pushed as
 * (`registry/repository@sha256:…`). Stages verify, promote and approve it as one: what a stage's
 * `verified_release` output holds, and what `status --json` and `history --json` show.
 */
export type Release = { readonly [image: string]: string };

/** How many hex digits of its key's SHA-256 a release id has. */
export const RELEASE_ID_LENGTH = 12;

/** The name of the image of a delivery that builds one (`DeliveryProps.image`). */
export const SINGLE_IMAGE = 'app';

/**
 * What identifies a release: `name=sha256:…` of each image, by name, joined by commas. Approval
 * records and the approval gate compare these. An image may be given by its digest alone.
 */
export function releaseKey(release: Release): string {
  return Object.keys(release)
    .sort()
    .map((name) => `${name}=${release[name].slice(release[name].indexOf('@') + 1)}`)
    .join(',');
}

/**
 * The release id: the first 12 hex digits of the SHA-256 of its key, as `status` and the approval
 * gate show it and `approve` takes it. The engine computes the same (`substr(sha256(key), 0, 12)`).
 */
export function releaseId(release: Release): string {
  return createHash('sha256').update(releaseKey(release)).digest('hex').slice(0, RELEASE_ID_LENGTH);
}
