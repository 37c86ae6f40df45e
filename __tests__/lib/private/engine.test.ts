import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { engineBinary, engineError } from '../../../lib/private/engine';

/** A folder with an executable of each name, for a PATH. */
function folderWith(...names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'engine-path-'));
  for (const name of names) {
    writeFileSync(join(dir, name), '#!/bin/sh\n');
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

describe('engineBinary: one rule for the engine, for the CLI and the testing kit', () => {
  const folders: string[] = [];
  afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));
  const path = (...names: string[]) => {
    const folder = folderWith(...names);
    folders.push(folder);
    return folder;
  };

  test('TERRAFORM_BINARY_NAME wins, as the cdktf CLI reads it', () => {
    expect(engineBinary({ TERRAFORM_BINARY_NAME: '/opt/tf/terraform', PATH: path('tofu') })).toBe(
      '/opt/tf/terraform',
    );
  });

  test('else OpenTofu when tofu is on the PATH, in any of its folders', () => {
    expect(engineBinary({ PATH: [path('terraform'), path('tofu')].join(delimiter) })).toBe('tofu');
  });

  test('else terraform; a tofu that is not executable does not count', () => {
    const folder = path();
    writeFileSync(join(folder, 'tofu'), 'not a program');
    expect(engineBinary({ PATH: folder })).toBe('terraform');
    expect(engineBinary({})).toBe('terraform');
  });
});

describe("engineError: the engine's error as one line", () => {
  test('the first error and the lines that explain it, without the box and colour codes', () => {
    const output = [
      '\u001b[31m╷\u001b[0m\u001b[0m',
      '\u001b[31m│\u001b[0m \u001b[0m\u001b[1m\u001b[31mError: \u001b[0m\u001b[0m\u001b[1mBackend initialization required\u001b[0m',
      '\u001b[31m│\u001b[0m \u001b[0m',
      '\u001b[31m│\u001b[0m \u001b[0mReason: Initial configuration of the requested backend "local"',
      '\u001b[31m│\u001b[0m \u001b[0mRun "tofu init".',
      '\u001b[31m╵\u001b[0m',
      '',
      'Error: a second error',
    ].join('\n');
    expect(engineError(output)).toBe(
      'Backend initialization required: Reason: Initial configuration of the requested backend "local" Run "tofu init".',
    );
  });

  test('an error with nothing after it, and output without an error', () => {
    expect(engineError('Error: Failed to load plan\n')).toBe('Failed to load plan');
    expect(engineError('\n  something went wrong\nmore\n')).toBe('something went wrong');
    expect(engineError('')).toBe('no output');
  });
});
