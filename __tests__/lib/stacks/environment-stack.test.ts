import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { TerraformStack, Testing } from 'cdktf';

import { EnvironmentInstance, EnvironmentStack, VARIABLES_FILE } from '../../../lib';
import { SERVICES } from '../../../stacks/sample-service';
import { fixtureEnvironment, problemsOf, PROJECT_ROOT } from '../../helpers/test-app';
import {
  resources,
  SAMPLE_IMAGE_NAMES,
  synth,
  synthJson,
  testPipeline,
} from '../../helpers/test-app';

function environment(name: string): EnvironmentStack | EnvironmentInstance {
  const { pipeline } = testPipeline({ reviewIds: ['42'] });
  const stack = pipeline.environments.find((s) => s.node.id === name);
  if (!stack) throw new Error(`no stack ${name}`);
  return stack;
}

/** The variables file that `cdktf synth` writes beside the stack's cdk.tf.json. */
function variablesFile(stack: TerraformStack): Record<string, unknown> {
  const outdir = Testing.fullSynth(stack);
  const text = readFileSync(join(outdir, 'stacks', stack.node.id, VARIABLES_FILE), 'utf8');
  return JSON.parse(text.split(PROJECT_ROOT).join('<root>')) as Record<string, unknown>;
}

describe('EnvironmentStack', () => {
  const dev = environment('dev');

  test('snapshot (the same for every environment, see the parity test)', () => {
    expect(synth(dev)).toMatchSnapshot();
  });

  test('runs web and api, each from its image of the release, on their own network, api first', () => {
    expect(synth(dev)).toHaveResourceWithProperties(Network, {
      name: '${var.name_prefix}${var.environment}-net',
    });
    const [api, web] = resources(dev, 'docker_container');
    expect(api).toMatchObject({
      name: '${var.name_prefix}${var.environment}-api-${count.index}',
      count: '${var.api_replicas}',
      image: '${docker_image.Release-api.image_id}',
    });
    expect(web).toMatchObject({
      image: '${docker_image.Release-web.image_id}',
      name: '${var.name_prefix}${var.environment}-web-${count.index}',
      count: '${var.web_replicas}',
      ports: [
        {
          internal: 8080,
          external: '${(var.web_port + count.index)}',
          ip: '${var.publish_address}',
        },
      ],
      depends_on: [expect.stringMatching(/^docker_container\.Services_Api_/)],
      wait: true,
    });
  });

  test('pulls each image of the upstream-verified release by digest, after the gates, and builds nothing', () => {
    for (const image of ['web', 'api']) {
      expect(synth(dev)).toHaveResourceWithProperties(Image, {
        name: expect.stringMatching(
          new RegExp(
            `^\\$\\{lookup\\(data\\.terraform_remote_state\\.Promotion_Upstream_\\w+\\.outputs\\.verified_release, "${image}", ""\\)\\}$`,
          ),
        ),
        keep_locally: true,
        depends_on: [
          expect.stringMatching(/^terraform_data\.Promotion_UpstreamVerified_/),
          expect.stringMatching(/^terraform_data\.Approval_Check_/),
        ],
      });
    }
    expect(Object.keys(synthJson(dev).resource.docker_image)).toEqual([
      'Release-api',
      'Release-web',
    ]);
    expect(resources(dev, 'docker_image').filter((r) => r.build !== undefined)).toEqual([]);
  });

  test('declares every environment-specific value as a variable without a default', () => {
    const variables = synthJson(dev).variable ?? {};
    expect(Object.keys(variables).sort()).toEqual([
      'api_cpus',
      'api_env',
      'api_memory_mb',
      'api_replicas',
      'approved_releases',
      'environment',
      'name_prefix',
      'publish_address',
      'require_approval',
      // The sample's own settings.
      'setting_data_retention',
      'setting_data_size_mb',
      'upstream_stage',
      'upstream_state',
      'web_cpus',
      'web_env',
      'web_memory_mb',
      'web_port',
      'web_replicas',
    ]);
    Object.values(variables).forEach((v) => expect(v).not.toHaveProperty('default'));
  });

  test.each([
    [
      'dev',
      {
        environment: 'dev',
        upstream_stage: 'image',
        web_port: 8080,
        web_replicas: 1,
        require_approval: false,
        setting_data_size_mb: 16,
        setting_data_retention: '7d',
      },
    ],
    [
      'staging',
      {
        environment: 'staging',
        upstream_stage: 'dev',
        web_port: 8180,
        web_replicas: 2,
        require_approval: false,
        setting_data_size_mb: 32,
        setting_data_retention: '7d',
      },
    ],
    [
      'prod',
      {
        environment: 'prod',
        upstream_stage: 'staging',
        web_port: 8280,
        web_replicas: 2,
        require_approval: true,
        setting_data_size_mb: 64,
        setting_data_retention: '30d',
      },
    ],
    [
      'review-42',
      {
        environment: 'review-42',
        upstream_stage: 'image',
        web_port: 20168,
        web_replicas: 1,
        require_approval: false,
        setting_data_size_mb: 8,
        setting_data_retention: '1d',
      },
    ],
  ])('writes the values of %s to its variables file', (name, expected) => {
    const values = variablesFile(environment(name));
    expect(values).toMatchObject(expected);
    expect(values.upstream_state).toBe(`<root>/.pipeline/state/${expected.upstream_stage}.tfstate`);
  });

  test('a name prefix the engine would refuse is a configuration error', () => {
    expect(
      problemsOf(
        () =>
          new EnvironmentStack(Testing.app(), 'qa', {
            environment: fixtureEnvironment({ name: 'qa' }),
            services: SERVICES,
            images: SAMPLE_IMAGE_NAMES,
            projectRoot: PROJECT_ROOT,
            namePrefix: '-qa',
          }),
      ),
    ).toEqual([
      "environment stack 'qa': 'namePrefix' must be lower-case letters, digits and hyphens, starting with a letter or digit, at most 20 characters, got '-qa'. Fix it in the props of the EnvironmentStack.",
    ]);
  });

  test('runs the smoke test after the services and publishes the release only after it', () => {
    const json = synthJson(dev);
    const data = json.resource.terraform_data;
    const smoke = Object.entries(data).find(([id]) => id.startsWith('SmokeTest1'));
    expect(smoke?.[1]).toMatchObject({
      provisioner: [{ 'local-exec': { command: expect.stringMatching(/^body=\$\(mktemp\)/) } }],
    });
    const verified = Object.entries(data).find(([id]) => id.startsWith('Promotion_Verified'));
    expect(verified?.[1].depends_on).toEqual([`terraform_data.${smoke?.[0]}`]);
    expect(json.output?.verified_release.value).toBe(
      `\${terraform_data.${verified?.[0]}.output.release}`,
    );
  });
});
