import { existsSync, readFileSync } from 'node:fs';

import { DIGEST_PATTERN_SOURCE, Release, releaseKey } from './release';

/** One line of an approval record that names something: what it approves, and the line. */
export interface ApprovalLine {
  /** What the line approves: its text before any `# comment`, trimmed. */
  readonly text: string;
  /** The whole line, trimmed. */
  readonly line: string;
  /** 1-based. */
  readonly number: number;
}

/**
 * The lines of the approval record at `path` that name something (blank and comment-only lines
 * left out); none when the record is missing. A record saved on Windows (CRLF line ends, a byte
 * order mark) reads the same.
 */
export function approvalLines(path: string): ApprovalLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, i) => ({
      text: line.replace(/#.*/, '').trim(),
      line: line.trim(),
      number: i + 1,
    }))
    .filter((l) => l.text !== '');
}

const DIGEST = new RegExp(`^${DIGEST_PATTERN_SOURCE}$`);
const ENTRY = new RegExp(`^([a-z][a-z0-9-]*)=(${DIGEST_PATTERN_SOURCE})$`);

/**
 * The release key an approval line names (see `releaseKey`), for a delivery with the images
 * `images`: every image as `name=sha256:…`, separated by spaces, in any order; a delivery of one
 * image may give its bare digest. What is wrong with the line otherwise.
 */
export function approvedRelease(
  text: string,
  images: readonly string[],
): { readonly key: string } | { readonly problem: string } {
  if (images.length === 1 && DIGEST.test(text)) return { key: `${images[0]}=${text}` };
  const found = new Map<string, string>();
  for (const word of text.split(/\s+/)) {
    const entry = ENTRY.exec(word);
    if (entry === null || !images.includes(entry[1]) || found.has(entry[1])) {
      return { problem: wanted(images) };
    }
    found.set(entry[1], entry[2]);
  }
  if (found.size !== images.length) return { problem: wanted(images) };
  return {
    key: [...found]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, digest]) => `${name}=${digest}`)
      .join(','),
  };
}

function wanted(images: readonly string[]): string {
  const each = [...images]
    .sort()
    .map((name) => `${name}=sha256:<64 hex digits>`)
    .join(' ');
  return images.length === 1
    ? `must be a digest 'sha256:<64 hex digits>' (or '${each}'), optionally followed by '# comment'`
    : `must name every image of the release once, '${each}', optionally followed by '# comment'`;
}

/** The last line of the approval record at `path` that approves `release`, if any. */
export function approvalLine(
  path: string,
  images: readonly string[],
  release: Release,
): ApprovalLine | undefined {
  const key = releaseKey(release);
  return approvalLines(path)
    .filter((l) => {
      const approved = approvedRelease(l.text, images);
      return 'key' in approved && approved.key === key;
    })
    .at(-1);
}
