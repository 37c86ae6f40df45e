import { sh } from '../helpers/cli';

describe('npm run parity', () => {
  test('exits 0 with one OK line naming the stacks it compared', async () => {
    // No review ids from the caller's environment: parity then checks a review stack of its own.
    const result = await sh('npm', ['run', '-s', 'parity'], { PIPELINE_REVIEW_IDS: '' });
    expect(result).toEqual({
      code: 0,
      output:
        'parity OK: 4 environment stacks synthesize identical Terraform (dev, staging, prod, review-parity-check)\n',
    });
  });

  test('exits 1 and prints the JSON path and both values when an environment differs', async () => {
    const result = await sh('npm', [
      'run',
      '-s',
      'parity',
      '--',
      '--app',
      '__tests__/fixtures/divergent-pipeline.ts',
    ]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('parity FAILED: 1 difference(s) between environment stacks.');
    expect(result.output).toContain(
      [
        '  resource.docker_container.Debug',
        '    dev: (absent)',
        '    staging: {"image":"busybox","name":"staging-debug"}',
      ].join('\n'),
    );
  });
});
