/** The digest of an image named by digest, `<repository>@sha256:…` → `sha256:…`. */
export function digestOf(image: string): string {
  return image.slice(image.indexOf('@') + 1);
}

/** An image's digest shortened for tables: `sha256:` and its first 12 hex digits. */
export function shortDigest(image: string): string {
  const digest = digestOf(image);
  return digest.startsWith('sha256:') ? digest.slice(0, 'sha256:'.length + 12) : digest;
}
