/** Quotes one word for POSIX sh. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quotes a command line for POSIX sh. */
export function shellCommand(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
