import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { allInOrder, isAlive, limiter, scratchFolder } from '../../../lib/private/process';

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

describe('limiter', () => {
  test('runs at most its limit at once, starts the waiting ones in order, and passes results and errors through', async () => {
    const gate = limiter(2);
    const started: number[] = [];
    let running = 0;
    let most = 0;
    const finish: (() => void)[] = [];
    const task = (n: number) =>
      gate(async () => {
        started.push(n);
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => finish.push(resolve));
        running--;
        if (n === 3) throw new Error('task 3 failed');
        return n * 10;
      });
    const tasks = [1, 2, 3, 4, 5].map((n) => task(n));
    const settled = Promise.allSettled(tasks);
    // Let the first ones start; then end one task at a time, as they come.
    for (let ended = 0; ended < 5; ended++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBeLessThanOrEqual(2);
      finish.shift()?.();
    }
    expect(
      (await settled).map((r) => (r.status === 'fulfilled' ? r.value : r.reason.message)),
    ).toEqual([10, 20, 'task 3 failed', 40, 50]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });
});

describe('allInOrder', () => {
  const after = <T>(ms: number, value: T, fail = false) =>
    new Promise<T>((resolve, reject) =>
      setTimeout(() => (fail ? reject(new Error(String(value))) : resolve(value)), ms),
    );

  test('the values in the order given', async () => {
    await expect(allInOrder([after(20, 'a'), after(1, 'b'), after(10, 'c')])).resolves.toEqual([
      'a',
      'b',
      'c',
    ]);
  });

  test('the error of the first failed promise in the order given, not the first to fail in time', async () => {
    await expect(
      allInOrder([
        after(5, 'fine'),
        after(30, 'first in order', true),
        after(1, 'first in time', true),
      ]),
    ).rejects.toThrow(new Error('first in order'));
  });
});
