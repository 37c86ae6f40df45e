import { Testing } from 'cdktf';

import { dev as devConfig } from '../../../environments/dev';
import { prod } from '../../../environments/prod';
import { staging } from '../../../environments/staging';
import {
  ConfigurationError,
  DeploymentTarget,
  EnvironmentInstance,
  EnvironmentStack,
  SwarmServiceDeployment,
  validateEnvironments,
} from '../../../lib';
import { parityMatchers } from '../../../lib/testing';
import { SERVICES } from '../../../stacks/sample-service';
import { SAMPLE_SETTINGS } from '../../../stacks/sample-settings';
import {
  fixtureEnvironment,
  PROJECT_ROOT,
  resources,
  synth,
  synthJson,
  testPipeline,
  SAMPLE_IMAGE_NAMES,
} from '../../helpers/test-app';

expect.extend(parityMatchers);

function environments(target?: DeploymentTarget): {
  app: ReturnType<typeof Testing.app>;
  stacks: { [name: string]: EnvironmentStack | EnvironmentInstance };
} {
  const { app, pipeline } = testPipeline({ reviewIds: ['42'], target });
  return { app, stacks: Object.fromEntries(pipeline.environments.map((s) => [s.node.id, s])) };
}

describe('DeploymentTarget.containers()', () => {
  test('is the default: every stack synthesizes exactly what it synthesizes without a target', () => {
    const given = environments(DeploymentTarget.containers()).stacks;
    const unset = environments().stacks;
    for (const name of ['dev', 'staging', 'prod', 'review-42']) {
      expect(synth(given[name])).toBe(synth(unset[name]));
    }
    expect(DeploymentTarget.containers().kind).toBe('containers');
  });
});

describe('DeploymentTarget.swarm()', () => {
  const { app, stacks } = environments(DeploymentTarget.swarm());
  const dev = stacks.dev;

  test('snapshot (the same for every environment, see the parity test)', () => {
    expect(synth(dev)).toMatchSnapshot();
  });

  test('every environment synthesizes identical Terraform: the target is the same for all', () => {
    expect(app).toHaveEnvironmentParity();
  });

  test('runs api and web as Swarm services from the released digest, with the same variables as containers', () => {
    expect((dev as EnvironmentStack).deployment).toBeInstanceOf(SwarmServiceDeployment);
    expect(resources(dev, 'docker_container')).toEqual([]);
    const json = synthJson(dev);
    expect(
      Object.values(json.resource.docker_service)
        .map((s) => s.name)
        .sort(),
    ).toEqual([
      '${var.name_prefix}${var.environment}-api',
      '${var.name_prefix}${var.environment}-web',
      '${var.name_prefix}${var.environment}-web-published',
    ]);
    for (const service of Object.values(json.resource.docker_service)) {
      const image = String(service.name).includes('-api') ? 'api' : 'web';
      expect(service).toMatchObject({
        labels: expect.arrayContaining([
          { label: 'cdktf-pipeline.environment', value: '${var.name_prefix}${var.environment}' },
        ]),
        task_spec: {
          container_spec: expect.objectContaining({
            image: `\${docker_image.Release-${image}.name}`,
          }),
        },
      });
    }
    expect(Object.values(json.resource.docker_service)[0]).toMatchObject({
      mode: { replicated: { replicas: '${var.api_replicas}' } },
    });
    expect(Object.keys(json.variable ?? {})).toEqual(
      Object.keys(synthJson(environments().stacks.dev).variable ?? {}),
    );
    expect(json.output?.web_url.value).toBe(
      'http://${(var.publish_address == "0.0.0.0") ? "127.0.0.1" : var.publish_address}:${var.web_port}/',
    );
  });

  test('the smoke test runs again when the release or any service changes, and the verified release waits for it', () => {
    const json = synthJson(dev);
    const smoke = json.resource.terraform_data.SmokeTest1;
    expect(Object.keys(smoke.triggers_replace as object)).toEqual(['release', 'services']);
    const services = (smoke.triggers_replace as { services: string }).services;
    for (const name of ['Api', 'Web', 'WebPublished']) {
      expect(services).toMatch(new RegExp(`docker_service\\.Services_${name}_\\w+\\.id`));
    }
    expect(services).toContain(
      'sha1(jsonencode([docker_image.Release-web.name, merge(var.web_env, {"UPSTREAM_URL" = "http://api:8080/cgi-bin/health", "SERVICE_NAME" = "web"}), var.web_replicas, 0, var.web_memory_mb, var.web_cpus, []]))',
    );
    const verified = Object.entries(json.resource.terraform_data).find(([id]) =>
      id.startsWith('Promotion_Verified'),
    );
    expect(verified?.[1].depends_on).toEqual(['terraform_data.SmokeTest1']);
  });
});

describe('published ports by target', () => {
  // staging's web: 2 replicas from port 65535, which containers cannot publish (65536 for the second).
  const highPort = fixtureEnvironment({
    name: 'staging',
    services: { web: { replicas: 2, port: 65535 }, api: { replicas: 1 } },
  });

  test('containers publish each replica on its own port: the range must fit', () => {
    expect(() =>
      validateEnvironments([highPort], SERVICES, {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
      }),
    ).toThrow(
      new ConfigurationError([
        "environment 'staging': 'services.web.port' must leave ports 1024 to 65535 for all replicas (port + replicas - 1), got 65535. Set services.web.port in environments/test.ts.",
      ]),
    );
  });

  test('Swarm publishes one port per service, whatever the replicas', () => {
    expect(
      validateEnvironments([highPort], SERVICES, {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
        target: DeploymentTarget.swarm(),
      }),
    ).toEqual({ staging: [] });
    // The sample's staging (web 8180, 2 replicas) and prod (web 8280) do not overlap either way.
    expect(
      validateEnvironments([devConfig, staging, prod], SERVICES, {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
        settings: SAMPLE_SETTINGS,
        target: DeploymentTarget.swarm(),
      }),
    ).toEqual(expect.objectContaining({ staging: [] }));
  });
});
