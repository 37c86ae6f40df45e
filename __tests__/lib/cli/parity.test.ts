import { sh } from '../../helpers/cli';

const cli = (...args: string[]) => sh('node_modules/.bin/cdktf-pipeline', args);

describe('cdktf-pipeline parity: the cdk.tf.json the engine receives, compared', () => {
  test('exits 0 with one OK line naming the stacks it compared', async () => {
    // No review ids from the caller's environment: only the one asked for.
    const result = await sh(
      'node_modules/.bin/cdktf-pipeline',
      ['parity', '--review', 'parity-check'],
      {
        PIPELINE_REVIEW_IDS: '',
      },
    );
    expect(result).toEqual({
      code: 0,
      output:
        'parity OK: 4 environment stacks synthesize identical Terraform (dev, staging, prod, review-parity-check)\n',
    });
  });

  test('exits 1 and prints the JSON path and both values when an environment differs', async () => {
    const result = await cli(
      'parity',
      '--app',
      'node scripts/synth.js __tests__/fixtures/divergent-app.ts',
    );
    expect(result).toEqual({
      code: 1,
      output: [
        'parity FAILED: 1 difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.',
        '  resource.docker_container.Debug',
        '    dev: (absent)',
        '    staging: {"image":"busybox","name":"staging-debug"}',
        '',
      ].join('\n'),
    });
  });
});
