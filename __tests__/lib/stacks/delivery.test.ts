import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { App, Testing } from 'cdktf';

import { Approval, Delivery, SmokeTest, StateStore } from '../../../lib';
import { SERVICES } from '../../../stacks/sample-service';
import { fixtureEnvironment, PROJECT_ROOT } from '../../helpers/test-app';

const qa = fixtureEnvironment({ name: 'qa' });
const live = fixtureEnvironment({
  name: 'live',
  upstream: 'qa',
  approval: Approval.required('approvals/prod.txt'),
  services: { web: { replicas: 2, port: 18580 }, api: { replicas: 1 } },
});

function build(app: App, extra: Partial<ConstructorParameters<typeof Delivery>[2]> = {}) {
  return new Delivery(app, 'Delivery', {
    image: { context: 'service', repository: 'sample-service' },
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
    expect(Delivery.parseReviewIds(' 42,login-form  7 ')).toEqual(['42', 'login-form', '7']);
    expect(Delivery.parseReviewIds(undefined)).toEqual([]);
  });

  test('writes delivery.json: stages upstream first, state files, approval records, smoke tests', () => {
    const app = Testing.app();
    build(app);
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as unknown;
    const state = (stack: string) => join(PROJECT_ROOT, '.pipeline', 'state', `${stack}.tfstate`);
    expect(manifest).toEqual({
      version: 1,
      projectRoot: PROJECT_ROOT,
      imageStage: 'image',
      reviewPrefix: 'review-',
      stages: [
        { name: 'image', kind: 'image', review: false, statePath: state('image') },
        {
          name: 'qa',
          kind: 'environment',
          upstream: 'image',
          review: false,
          statePath: state('qa'),
        },
        {
          name: 'live',
          kind: 'environment',
          upstream: 'qa',
          review: false,
          statePath: state('live'),
          approvalRecord: join(PROJECT_ROOT, 'approvals', 'prod.txt'),
        },
      ],
      smokeTests: [{ name: 'web/health', service: 'web', path: '/health', expectStatus: 200 }],
    });
  });

  test('state: local files under .pipeline/state by default, or a folder of your choice', () => {
    const store = StateStore.local();
    expect(store.statePath('/p', 'dev')).toBe('/p/.pipeline/state/dev.tfstate');
    expect(StateStore.local({ directory: 'state' }).statePath('/p', 'dev')).toBe(
      '/p/state/dev.tfstate',
    );
    expect(StateStore.local({ directory: '/var/state' }).statePath('/p', 'dev')).toBe(
      '/var/state/dev.tfstate',
    );
    const delivery = build(Testing.app(), { state: StateStore.local({ directory: '/var/state' }) });
    const json = JSON.parse(Testing.synth(delivery.environments[0])) as {
      terraform: { backend: { local: { path: string } } };
    };
    expect(json.terraform.backend.local.path).toBe('/var/state/live.tfstate');
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
