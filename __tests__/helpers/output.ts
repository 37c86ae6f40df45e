/**
 * Matches `lines` as whole, consecutive lines of a program's output: each from its line's start to
 * its end, so a message is checked exactly (a substring of a longer line does not match).
 * `\d+` style parts go through `pattern` lines: a RegExp's source is used as it is.
 */
export function wholeLines(...lines: ReadonlyArray<string | RegExp>): RegExp {
  const body = lines
    .map((line) => (typeof line === 'string' ? escape(line) : line.source))
    .join('\\n');
  return new RegExp(`(?:^|\\n)${body}(?:\\n|$)`);
}

/** Matches output that ends with `lines`, each whole (see {@link wholeLines}). */
export function lastLines(...lines: ReadonlyArray<string | RegExp>): RegExp {
  return new RegExp(`${wholeLines(...lines).source.replace(/\(\?:\\n\|\$\)$/, '')}\\n?$`);
}

/** `text` as a regular expression's source that matches it literally. */
export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
