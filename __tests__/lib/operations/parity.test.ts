import { join } from 'node:path';

import { sh } from '../../helpers/cli';
import { PROJECT_ROOT } from '../../helpers/test-app';

describe('cdktf-pipeline parity: the files the engine receives, compared', () => {
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

  test('exits 1 and names every divergence, each injected into another environment', async () => {
    const reviews = ['a', 'b', 'c', 'd', 'e', 'f'].flatMap((id) => ['--review', id]);
    const result = await sh(
      'npm',
      [
        'run',
        '-s',
        'parity',
        '--',
        '--app',
        'node bin/cdktf-pipeline-app.js __tests__/fixtures/divergent-app.ts',
        ...reviews,
      ],
      { PIPELINE_REVIEW_IDS: '', DIVERGENCES: 'all' },
    );
    const state = join(PROJECT_ROOT, '.pipeline', 'state');
    expect(result).toEqual({
      code: 1,
      output: [
        'parity FAILED: 9 difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.',
        // An output.
        '  output.debug_url',
        '    dev: (absent)',
        '    staging: {"value":"http://127.0.0.1:9999/"}',
        // A resource only prod has.
        '  resource.docker_container.Debug',
        '    dev: (absent)',
        '    prod: {"image":"busybox","name":"prod-debug"}',
        // A provider setting.
        '  provider.docker.0.host',
        '    dev: (absent)',
        '    review-a: "tcp://127.0.0.1:2375"',
        // A required provider version.
        '  terraform.required_providers.docker.version',
        '    dev: ">= 3.6.2, < 5.0.0"',
        '    review-b: "~> 3.6"',
        // A variable.
        '  variable.debug',
        '    dev: (absent)',
        '    review-c: {"default":false,"type":"bool"}',
        // A backend setting: another stage's state.
        '  terraform.backend.local.path',
        `    dev: "${join(state, '{stack}.tfstate')}"`,
        `    review-d: "${join(state, 'staging.tfstate')}"`,
        // Written into cdk.tf.json after synthesis: toTerraform() never shows it.
        '  resource.docker_network.Services_Network_729EEF64.internal',
        '    dev: (absent)',
        '    review-e: true',
        // The variables file: an undeclared variable and a value of the wrong type.
        '  terraform.tfvars.json.debug',
        '    declared: (not declared)',
        '    review-f: true',
        '  terraform.tfvars.json.web_replicas',
        '    declared: number',
        '    review-f: "three"',
        '',
      ].join('\n'),
    });
  });
});
