import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { isAlive, scratchFolder } from '../../../lib/private/process';

describe('scratchFolder', () => {
  test('is named by its kind and this process, and removes what ended processes left of that kind', () => {
    // A pid that has ended: a child that ran and exited.
    const ended = spawnSync('true').pid;
    expect(isAlive(ended)).toBe(false);
    const left = join(tmpdir(), `cdktf-pipeline-synth-${ended}-AbC123`);
    const running = join(tmpdir(), `cdktf-pipeline-synth-${process.pid}-XyZ789`);
    const otherKind = join(tmpdir(), `cdktf-pipeline-state-${ended}-AbC123`);
    const unnamed = join(tmpdir(), 'cdktf-pipeline-synth-AbC123');
    for (const dir of [left, running, otherKind, unnamed])
      mkdirSync(join(dir, 'stacks'), { recursive: true });
    const folder = scratchFolder('synth');
    try {
      expect(dirname(folder)).toBe(tmpdir());
      expect(basename(folder)).toMatch(new RegExp(`^cdktf-pipeline-synth-${process.pid}-\\w{6}$`));
      expect(existsSync(folder)).toBe(true);
      expect([left, running, otherKind, unnamed].map(existsSync)).toEqual([
        false,
        true,
        true,
        true,
      ]);
    } finally {
      for (const dir of [folder, running, otherKind, unnamed])
        rmSync(dir, { recursive: true, force: true });
    }
  });
});
