import { createInterface } from 'node:readline/promises';

/** Whether the CLI can ask someone: its standard input is a terminal. */
export function onTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** Asks one question on the terminal and resolves with the answer, trimmed. */
export async function answer(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

/** Asks a yes/no question on the terminal; anything but y or yes is no. */
export async function ask(question: string): Promise<boolean> {
  return /^y(es)?$/i.test(await answer(`${question} [y/N] `));
}
