import { existsSync, readFileSync } from 'node:fs';

/**
 * The lines of an approval record that approve `digest`, as written (a record saved on Windows,
 * with CRLF line ends or a byte order mark, reads the same); none when the record is missing.
 */
export function approvalsOf(record: string, digest: string): string[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((line) => line.replace(/#.*/, '').trim() === digest)
    .map((line) => line.trim());
}
