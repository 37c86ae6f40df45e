import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { App, Testing } from 'cdktf';

import { Approval, Delivery, EnvironmentStack, SmokeTest, StateStore } from '../../../lib';
import { SERVICES, sampleImages } from '../../../stacks/sample-service';
import { fixtureEnvironment, problemsOf, PROJECT_ROOT } from '../../helpers/test-app';

const qa = fixtureEnvironment({ name: 'qa' });
const live = fixtureEnvironment({
  name: 'live',
  upstream: 'qa',
  approval: Approval.required('approvals/prod.txt'),
  services: { web: { replicas: 2, port: 18580 }, api: { replicas: 1 } },
});

function build(app: App, extra: Partial<ConstructorParameters<typeof Delivery>[2]> = {}) {
  return new Delivery(app, 'Delivery', {
    images: sampleImages(),
    services: SERVICES,
    smokeTests: [SmokeTest.http({ service: 'web', path: '/health' })],
    environments: [live, qa],
    projectRoot: PROJECT_ROOT,
    ...extra,
  });
}

describe('Delivery', () => {
  test('builds the image stack, then one environment stack per environment, review environments last', () => {
    const delivery = build(Testing.app(), {
      reviewIds: ['7'],
      reviewEnvironment: (id) =>
        fixtureEnvironment({
          name: `review-${id}`,
          services: { web: { replicas: 1, port: 19000 }, api: { replicas: 1 } },
        }),
    });
    expect(delivery.image.node.id).toBe('image');
    expect(delivery.environments.map((s) => s.node.id)).toEqual(['live', 'qa', 'review-7']);
  });

  test('review ids default to PIPELINE_REVIEW_IDS, comma- or space-separated', () => {
    const given = process.env.PIPELINE_REVIEW_IDS;
    process.env.PIPELINE_REVIEW_IDS = ' 42,login-form  7 ';
    try {
      const delivery = build(Testing.app(), {
        reviewEnvironment: (id) =>
          fixtureEnvironment({
            name: `review-${id}`,
            services: { web: { replicas: 1, port: 19000 + id.length }, api: { replicas: 1 } },
          }),
      });
      expect(delivery.environments.map((s) => s.node.id)).toEqual([
        'live',
        'qa',
        'review-42',
        'review-login-form',
        'review-7',
      ]);
    } finally {
      if (given === undefined) delete process.env.PIPELINE_REVIEW_IDS;
      else process.env.PIPELINE_REVIEW_IDS = given;
    }
  });

  test('writes delivery.json: stages upstream first, state files, approval records, smoke tests', () => {
    const app = Testing.app();
    build(app);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as unknown;
    const state = (stack: string) => ({
      backend: 'local',
      path: join(PROJECT_ROOT, '.pipeline', 'state', `${stack}.tfstate`),
    });
    expect(manifest).toEqual({
      version: 1,
      projectRoot: PROJECT_ROOT,
      imageStage: 'image',
      reviewPrefix: 'review-',
      registry: '127.0.0.1:5000',
      state: { backend: 'local', directory: join(PROJECT_ROOT, '.pipeline', 'state') },
      stateEncrypted: false,
      secrets: [],
      target: 'containers',
      images: [
        { name: 'api', repository: 'sample-api' },
        { name: 'web', repository: 'sample-web' },
      ],
      stages: [
        { name: 'image', kind: 'image', review: false, state: state('image') },
        {
          name: 'qa',
          kind: 'environment',
          upstream: 'image',
          review: false,
          state: state('qa'),
          dockerName: 'qa',
        },
        {
          name: 'live',
          kind: 'environment',
          upstream: 'qa',
          review: false,
          state: state('live'),
          approvalRecord: join(PROJECT_ROOT, 'approvals', 'prod.txt'),
          dockerName: 'live',
        },
      ],
      smokeTests: [{ name: 'web/health', service: 'web', path: '/health', expectStatus: 200 }],
    });
  });

  test('namePrefix: every environment, built or an instance, takes it in its variables and delivery.json', () => {
    const app = Testing.app();
    build(app, {
      namePrefix: 'team-a-',
      reviewIds: ['7'],
      reviewEnvironment: (id) =>
        fixtureEnvironment({
          name: `review-${id}`,
          services: { web: { replicas: 1, port: 19000 }, api: { replicas: 1 } },
        }),
    });
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as {
      stages: { name: string; dockerName?: string }[];
    };
    expect(manifest.stages.map((s) => [s.name, s.dockerName])).toEqual([
      ['image', undefined],
      ['qa', 'team-a-qa'],
      ['live', 'team-a-live'],
      ['review-7', 'team-a-review-7'],
    ]);
    for (const stack of ['qa', 'live', 'review-7']) {
      const values = JSON.parse(
        readFileSync(join(app.outdir, 'stacks', stack, 'terraform.tfvars.json'), 'utf8'),
      ) as Record<string, unknown>;
      expect([values.environment, values.name_prefix]).toEqual([stack, 'team-a-']);
    }
  });

  test('namePrefix: a name the engine would refuse is a problem, collected with the others', () => {
    expect(
      problemsOf(() =>
        build(Testing.app(), {
          namePrefix: 'Team A',
          environments: [
            qa,
            fixtureEnvironment({
              name: 'live',
              upstream: 'nowhere',
              source: 'environments/live.ts',
              services: { web: { replicas: 1, port: 18580 }, api: { replicas: 1 } },
            }),
          ],
        }),
      ),
    ).toEqual([
      "delivery: 'namePrefix' must be lower-case letters, digits and hyphens, starting with a letter or digit, at most 20 characters, got 'Team A'. Fix it in the props of the Delivery.",
      "environment 'live': 'upstream' must be 'image' or another environment (qa), got 'nowhere'. Set upstream in environments/live.ts.",
    ]);
  });

  test('state: local files under .pipeline/state by default, or a folder of your choice', () => {
    const store = StateStore.local();
    expect(store.locationOf('/p', 'dev')).toEqual({
      backend: 'local',
      path: '/p/.pipeline/state/dev.tfstate',
    });
    expect(StateStore.local({ directory: 'state' }).locationOf('/p', 'dev')).toEqual({
      backend: 'local',
      path: '/p/state/dev.tfstate',
    });
    expect(StateStore.local({ directory: '/var/state' }).locationOf('/p', 'dev')).toEqual({
      backend: 'local',
      path: '/var/state/dev.tfstate',
    });
    const delivery = build(Testing.app(), { state: StateStore.local({ directory: '/var/state' }) });
    const json = JSON.parse(Testing.synth(delivery.environments[0])) as {
      terraform: { backend: { local: { path: string } } };
    };
    expect(json.terraform.backend.local.path).toBe('/var/state/live.tfstate');
  });

  test('state in PostgreSQL: a schema per stack, no connection in the configuration, upstream read through pg', () => {
    const app = Testing.app();
    const delivery = build(app, { state: StateStore.postgres() });
    const live = JSON.parse(Testing.synth(delivery.environments[0])) as {
      terraform: { backend: unknown };
      data: { terraform_remote_state: Record<string, unknown> };
      variable: { upstream_state: unknown };
    };
    expect(live.terraform.backend).toEqual({ pg: { schema_name: 'cdktf_pipeline_live' } });
    expect(Object.values(live.data.terraform_remote_state)).toEqual([
      {
        backend: 'pg',
        config: { schema_name: '${var.upstream_state}' },
        defaults: { verified_release: {} },
      },
    ]);
    expect((delivery.environments[0] as EnvironmentStack).variables.recorded.upstream_state).toBe(
      'cdktf_pipeline_qa',
    );
    const image = JSON.parse(Testing.synth(delivery.image)) as { terraform: { backend: unknown } };
    expect(image.terraform.backend).toEqual({ pg: { schema_name: 'cdktf_pipeline_image' } });
    expect(StateStore.postgres({ schemaPrefix: 'team_a_' }).backendLocation('/p')).toEqual({
      attribute: 'schema_name',
      pattern: 'team_a_{stack}',
    });
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as {
      state: unknown;
      stages: { state: unknown }[];
    };
    expect(manifest.state).toEqual({ backend: 'pg', schemaPrefix: 'cdktf_pipeline_' });
    expect(manifest.stages.map((s) => s.state)).toEqual([
      { backend: 'pg', schema: 'cdktf_pipeline_image' },
      { backend: 'pg', schema: 'cdktf_pipeline_qa' },
      { backend: 'pg', schema: 'cdktf_pipeline_live' },
    ]);
  });

  test('state: PIPELINE_STATE selects the store; anything else is a configuration error', () => {
    expect(StateStore.fromEnvironment({}).backend).toBe('local');
    expect(StateStore.fromEnvironment({ PIPELINE_STATE: 'local' }).backend).toBe('local');
    expect(StateStore.fromEnvironment({ PIPELINE_STATE: 'pg' }).backend).toBe('pg');
    expect(problemsOf(() => StateStore.fromEnvironment({ PIPELINE_STATE: 'postgres' }))).toEqual([
      "environment: 'PIPELINE_STATE' must be 'local' or 'pg', got 'postgres'. Set PIPELINE_STATE=pg for PostgreSQL state, or unset it for local files.",
    ]);
    expect(problemsOf(() => StateStore.postgres({ schemaPrefix: 'Team-A' }))).toEqual([
      "state store: 'schemaPrefix' must be lowercase letters, digits and '_', starting with a letter or '_', got 'Team-A'. Use e.g. 'cdktf_pipeline_'.",
    ]);
  });

  test('state: the location rule parity holds every environment stack to', () => {
    expect(StateStore.local().backendLocation('/p')).toEqual({
      attribute: 'path',
      pattern: '/p/.pipeline/state/{stack}.tfstate',
    });
    expect(StateStore.local({ directory: '/var/state' }).backendLocation('/p')).toEqual({
      attribute: 'path',
      pattern: '/var/state/{stack}.tfstate',
    });
  });
});
