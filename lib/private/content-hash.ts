import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * A hash of a folder's content: every file's relative path, executable bit and bytes, in sorted
 * order. The same files give the same hash on any machine and in any clone; any change gives a
 * new one. Timestamps and ownership do not count.
 */
export function contentHash(dir: string): string {
  const hash = createHash('sha256');
  for (const file of listFiles(dir)) {
    const mode = statSync(file).mode & 0o111 ? 'x' : '-';
    hash.update(`${relative(dir, file).split(sep).join('/')}\0${mode}\0`);
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(path);
      return entry.isFile() ? [path] : [];
    });
}
