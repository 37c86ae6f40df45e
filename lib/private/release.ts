import { Release, releaseId, releaseKey, SINGLE_IMAGE } from '../schema/release';

import { isPlainObject } from './shape';

export type { Release };
export { releaseId, releaseKey, SINGLE_IMAGE };

/** The output through which every stage publishes the release it verified (a map). */
export const VERIFIED_RELEASE_OUTPUT = 'verified_release';

/** Image names: a lowercase letter, then lowercase letters, digits and `-`. */
export const IMAGE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}$/;

/** An image digest, as a regular expression's source: `sha256:` and 64 hex digits. */
export const DIGEST_PATTERN_SOURCE = 'sha256:[0-9a-f]{64}';

/** A release id: 12 hex digits. */
export const RELEASE_ID_PATTERN = /^[0-9a-f]{12}$/;

/** The digest of an image named by digest, `<repository>@sha256:…` → `sha256:…`. */
export function digestOf(image: string): string {
  return image.slice(image.indexOf('@') + 1);
}

/** An image's digest shortened for tables: `sha256:` and its first 12 hex digits. */
export function shortDigest(image: string): string {
  const digest = digestOf(image);
  return digest.startsWith('sha256:') ? digest.slice(0, 'sha256:'.length + 12) : digest;
}

/** The images whose digest differs between two releases (or that only one of them has). */
export function changedImages(from: Release | undefined, to: Release): string[] {
  return Object.keys(to)
    .sort()
    .filter((name) => from?.[name] === undefined || digestOf(from[name]) !== digestOf(to[name]));
}

/** `<id> (web sha256:0123456789ab, api sha256:…)`: a release for a line of text. */
export function describeRelease(release: Release): string {
  const images = Object.keys(release)
    .sort()
    .map((name) => `${name} ${shortDigest(release[name])}`);
  return `${releaseId(release)} (${images.join(', ')})`;
}

/** A release read from a state's output value; undefined unless it is a map of references. */
export function releaseOf(value: unknown): Release | undefined {
  if (!isPlainObject(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length === 0) return undefined;
  if (!entries.every(([, ref]) => typeof ref === 'string' && ref.includes('@sha256:'))) {
    return undefined;
  }
  return Object.fromEntries(entries) as Release;
}

/** Whether two releases are the same images by digest. */
export function sameRelease(a: Release | undefined, b: Release | undefined): boolean {
  return a !== undefined && b !== undefined && releaseKey(a) === releaseKey(b);
}

/**
 * The name of the `docker_image` resource through which an environment pulls an image of its
 * release: `Release` for a delivery of one image (as before releases had several), else
 * `Release-<image>`.
 */
export function releaseResource(images: readonly string[], image: string): string {
  return images.length === 1 && image === SINGLE_IMAGE ? 'Release' : `Release-${image}`;
}

/** The image a `docker_image` resource of an environment's state pulls, by its resource name. */
export function imageOfReleaseResource(resource: string): string | undefined {
  if (resource === 'Release') return SINGLE_IMAGE;
  return resource.startsWith('Release-') ? resource.slice('Release-'.length) : undefined;
}
