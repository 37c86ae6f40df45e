import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Volume } from '@cdktf/provider-docker/lib/volume';
import { App, TerraformStack, Testing } from 'cdktf';

import {
  Approval,
  ConfigurationError,
  Delivery,
  DeliveryEnvironment,
  EnvironmentConfig,
  EnvironmentInstance,
  EnvironmentParity,
  EnvironmentStack,
  Setting,
  SettingValues,
  VARIABLES_FILE,
} from '../../../lib';
import { SERVICES, sampleImages } from '../../../stacks/sample-service';
import { fixtureEnvironment, problemsOf, PROJECT_ROOT, synthJson } from '../../helpers/test-app';

const SETTINGS = {
  sizeMb: Setting.number({ description: 'Size of the data volume, in MiB.', min: 1 }),
  tier: Setting.string({ description: 'Tier label.', default: 'standard' }),
  backups: Setting.bool({ description: 'Whether backups run.', default: false }),
  zones: Setting.list({ description: 'Zones.', default: ['a'] }),
  tags: Setting.map({ description: 'Extra labels.', default: {} }),
};
type Values = SettingValues<typeof SETTINGS>;

const qa: EnvironmentConfig<Values> = {
  ...fixtureEnvironment({ name: 'qa' }),
  settings: { sizeMb: 16, tags: { team: 'blue' } },
};
const live: EnvironmentConfig<Values> = {
  ...fixtureEnvironment({
    name: 'live',
    upstream: 'qa',
    approval: Approval.required('approvals/prod.txt'),
    services: { web: { replicas: 2, port: 18580 }, api: { replicas: 1 } },
  }),
  settings: { sizeMb: 64, tier: 'gold', backups: true, zones: ['a', 'b'] },
};

/** A data volume from the settings: what a user's own resources look like. */
function dataVolume(environment: DeliveryEnvironment<typeof SETTINGS>): void {
  new Volume(environment.stack, 'Data', {
    name: `${environment.dockerName}-data`,
    driverOpts: { o: `size=${environment.settings.sizeMb}m` },
    labels: [
      ...Object.entries(environment.labels).map(([label, value]) => ({ label, value })),
      { label: 'tier', value: environment.settings.tier },
      { label: 'network', value: environment.network },
      { label: 'api-image', value: environment.images.api },
      { label: 'web', value: environment.urls.web },
    ],
  });
}

function build(
  resources: (environment: DeliveryEnvironment<typeof SETTINGS>) => void = dataVolume,
  app: App = Testing.app(),
) {
  return new Delivery(app, 'Delivery', {
    images: sampleImages(),
    services: SERVICES,
    settings: SETTINGS,
    resources,
    environments: [qa, live],
    reviewIds: ['7'],
    reviewEnvironment: (id) => ({
      ...fixtureEnvironment({
        name: `review-${id}`,
        services: { web: { replicas: 1, port: 19000 }, api: { replicas: 1 } },
      }),
      settings: { sizeMb: 8 },
    }),
    projectRoot: PROJECT_ROOT,
  });
}

/** The synthesized variables file of a stack of a synthesized app. */
function variablesOf(app: App, stack: string): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(app.outdir, 'stacks', stack, VARIABLES_FILE), 'utf8'),
  ) as Record<string, unknown>;
}

describe('settings and resources of the delivery', () => {
  test("each setting is a variable of its type; each environment's value (or the default) is in its variables file", () => {
    const app = Testing.app();
    const delivery = build(dataVolume, app);
    const stack = delivery.environment('qa') as EnvironmentStack;
    const variables = synthJson(stack).variable ?? {};
    expect(
      Object.fromEntries(
        Object.entries(variables)
          .filter(([name]) => name.startsWith('setting_'))
          .map(([name, v]) => [name, v.type]),
      ),
    ).toEqual({
      setting_size_mb: 'number',
      setting_tier: 'string',
      setting_backups: 'bool',
      setting_zones: 'list(string)',
      setting_tags: 'map(string)',
    });
    expect(variables.setting_size_mb).toEqual({
      description: 'Size of the data volume, in MiB.',
      nullable: false,
      type: 'number',
    });
    app.synth();
    const settingsIn = (name: string) =>
      Object.fromEntries(
        Object.entries(variablesOf(app, name)).filter(([k]) => k.startsWith('setting_')),
      );
    expect(settingsIn('qa')).toEqual({
      setting_size_mb: 16,
      setting_tier: 'standard',
      setting_backups: false,
      setting_zones: ['a'],
      setting_tags: { team: 'blue' },
    });
    expect(settingsIn('live')).toEqual({
      setting_size_mb: 64,
      setting_tier: 'gold',
      setting_backups: true,
      setting_zones: ['a', 'b'],
      setting_tags: {},
    });
    // A review environment is an instance of the definition: its own values, the same variables.
    expect(delivery.environment('review-7')).toBeInstanceOf(EnvironmentInstance);
    expect(settingsIn('review-7')).toEqual({
      setting_size_mb: 8,
      setting_tier: 'standard',
      setting_backups: false,
      setting_zones: ['a'],
      setting_tags: {},
    });
  });

  test('what resources builds is in every environment stack, from references only, and parity holds', () => {
    const app = Testing.app();
    const delivery = build(dataVolume, app);
    const volume = (stack: TerraformStack) => synthJson(stack).resource.docker_volume.Data;
    expect(volume(delivery.environment('live') as EnvironmentStack)).toEqual({
      name: '${var.name_prefix}${var.environment}-data',
      driver_opts: { o: 'size=${var.setting_size_mb}m' },
      labels: [
        { label: 'cdktf-pipeline.environment', value: '${var.name_prefix}${var.environment}' },
        { label: 'tier', value: '${var.setting_tier}' },
        { label: 'network', value: '${docker_network.Services_Network_729EEF64.name}' },
        {
          label: 'api-image',
          value:
            '${lookup(data.terraform_remote_state.Promotion_Upstream_8B0AC4AE.outputs.verified_release, "api", "")}',
        },
        {
          label: 'web',
          value:
            'http://${(var.publish_address == "0.0.0.0") ? "127.0.0.1" : var.publish_address}:${var.web_port}',
        },
      ],
    });
    app.synth();
    expect(EnvironmentParity.checkSynthesized(app.outdir)).toEqual({
      stacks: ['qa', 'live', 'review-7'],
      differences: [],
    });
    const review = JSON.parse(
      readFileSync(join(app.outdir, 'stacks', 'review-7', 'cdk.tf.json'), 'utf8'),
    ) as { resource: { docker_volume: { Data: { '//': unknown } } } };
    expect(review.resource.docker_volume.Data['//']).toEqual({
      metadata: { path: 'Delivery/review-7/Data', uniqueId: 'Data' },
    });
  });

  test('a resource built only in one environment (a branch on its name) fails parity, naming the path', () => {
    const app = Testing.app();
    build((environment) => {
      if (environment.stack.node.id === 'live') {
        new Volume(environment.stack, 'Backup', { name: `${environment.dockerName}-backup` });
      }
    }, app);
    app.synth();
    expect(EnvironmentParity.checkSynthesized(app.outdir).differences).toEqual([
      {
        stacks: ['qa', 'live'],
        path: 'resource.docker_volume',
        expected: undefined,
        actual: {
          Backup: {
            name: '${var.name_prefix}${var.environment}-backup',
          },
        },
        expectation: 'reference',
      },
    ]);
  });

  test("an environment's value written as a literal instead of through its setting fails parity, naming the path", () => {
    const app = Testing.app();
    const sizes: { readonly [environment: string]: number } = { qa: 16, live: 64, 'review-7': 8 };
    build((environment) => {
      new Volume(environment.stack, 'Data', {
        name: `${environment.dockerName}-data`,
        driverOpts: { o: `size=${sizes[environment.stack.node.id]}m` },
      });
    }, app);
    app.synth();
    expect(EnvironmentParity.checkSynthesized(app.outdir).differences).toEqual([
      {
        stacks: ['qa', 'live'],
        path: 'resource.docker_volume.Data.driver_opts.o',
        expected: 'size=16m',
        actual: 'size=64m',
        expectation: 'reference',
      },
    ]);
  });

  test('environment(name) finds an environment stack; an unknown name is a ConfigurationError naming those there are', () => {
    const delivery = build();
    expect(delivery.environment('live').node.id).toBe('live');
    expect(problemsOf(() => delivery.environment('prod'))).toEqual([
      "delivery 'Delivery': 'environment(name)' must name one of its environments (qa, live, review-7), got 'prod'. Use one of those names; a review environment is there only when its id is given (reviewIds, or PIPELINE_REVIEW_IDS).",
    ]);
    expect(() => delivery.environment('prod')).toThrow(ConfigurationError);
  });

  test('the URL output of a service, and the stack URLs as references', () => {
    const stack = build().environment('qa') as EnvironmentStack;
    expect(EnvironmentStack.urlOutput('web')).toBe('web_url');
    expect(Object.keys(synthJson(stack).output ?? {})).toContain(EnvironmentStack.urlOutput('web'));
    expect(Object.keys(stack.urls)).toEqual(['web']);
  });
});
