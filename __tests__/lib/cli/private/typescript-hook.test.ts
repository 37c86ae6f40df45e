import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  keep,
  TRANSPILE_OPTIONS,
  typeScriptCache,
} from '../../../../lib/cli/private/typescript-hook';

describe('the TypeScript loader', () => {
  test('keeps a transpiled file whole: written under a name of its own, then renamed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-cache-'));
    try {
      const file = join(dir, 'nested', 'abc.js');
      keep(file, 'exports.a = 1;\n');
      keep(file, 'exports.a = 2;\n');
      expect(readFileSync(file, 'utf8')).toBe('exports.a = 2;\n');
      expect(readdirSync(join(dir, 'nested'))).toEqual(['abc.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("transpiles as a cdktf app needs, into the project's node_modules/.cache", () => {
    expect(TRANSPILE_OPTIONS).toEqual({
      module: 1,
      target: 9,
      esModuleInterop: false,
      experimentalDecorators: true,
      isolatedModules: true,
    });
    expect(typeScriptCache('/p')).toBe('/p/node_modules/.cache/cdktf-deployment-pipeline/ts');
  });
});
