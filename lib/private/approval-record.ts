import { existsSync, readFileSync } from 'node:fs';

/** One line of an approval record that names something: its digest and the line as written. */
export interface ApprovalLine {
  /** What the line approves: its text before any `# comment`, trimmed. */
  readonly digest: string;
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
      digest: line.replace(/#.*/, '').trim(),
      line: line.trim(),
      number: i + 1,
    }))
    .filter((l) => l.digest !== '');
}
