import { DataResource } from 'cdktf';

import { Promotion, StateStore } from '../../../lib';
import { problemsOf, synthJson, testStack } from '../../helpers/test-app';

describe('Promotion', () => {
  test("reads the upstream's verified release from its local state, empty when there is none", () => {
    const stack = testStack();
    new Promotion(stack, 'Promote', {
      upstreamStage: 'dev',
      upstreamLocation: '/s/dev.tfstate',
      stateReader: StateStore.local(),
      howToDeployUpstream: 'Deploy <stage>.',
    });
    const json = synthJson(stack);
    expect(Object.values(json.data?.terraform_remote_state ?? {})).toEqual([
      {
        backend: 'local',
        config: { path: '/s/dev.tfstate' },
        defaults: { verified_release: {} },
        lifecycle: {
          precondition: [
            {
              condition: '${fileexists("/s/dev.tfstate")}',
              error_message:
                'The upstream stage dev has not been deployed yet (no state at /s/dev.tfstate), so it has verified no release. Deploy dev.',
            },
          ],
        },
      },
    ]);
    const [gate] = Object.values(json.resource.terraform_data);
    expect(gate.lifecycle).toEqual({
      precondition: [
        {
          condition: expect.stringMatching(
            /^\$\{\(length\(lookup\(data\.terraform_remote_state\.Promote_Upstream_\w+\.outputs\.verified_release, "app", ""\)\) >= 1\)\}$/,
          ),
          error_message:
            'The upstream stage dev has not verified a release with app yet (no verified_release with that image in /s/dev.tfstate). Deploy dev.',
        },
      ],
    });
  });

  test('a release of several images passes only when the upstream verified every one of them', () => {
    const stack = testStack();
    const promotion = new Promotion(stack, 'Promote', {
      upstreamStage: 'dev',
      upstreamLocation: '/s/dev.tfstate',
      stateReader: StateStore.local(),
      howToDeployUpstream: 'Deploy <stage>.',
      images: ['web', 'api'],
    });
    expect(Object.keys(promotion.images)).toEqual(['api', 'web']);
    const [gate] = Object.values(synthJson(stack).resource.terraform_data);
    expect(gate.lifecycle).toEqual({
      precondition: [
        {
          condition: expect.stringMatching(
            /^\$\{\(\(length\(lookup\(data\.terraform_remote_state\.Promote_Upstream_\w+\.outputs\.verified_release, "api", ""\)\) >= 1\) && \(length\(lookup\(data\.terraform_remote_state\.Promote_Upstream_\w+\.outputs\.verified_release, "web", ""\)\) >= 1\)\)\}$/,
          ),
          error_message:
            'The upstream stage dev has not verified a release with api, web yet (no verified_release with each of them in /s/dev.tfstate). Deploy dev.',
        },
      ],
    });
  });

  test('image names the engine cannot key a release by are refused', () => {
    expect(
      problemsOf(
        () =>
          new Promotion(testStack(), 'Promote', {
            upstreamStage: 'dev',
            upstreamLocation: '/s/dev.tfstate',
            stateReader: StateStore.local(),
            howToDeployUpstream: '',
            images: ['web', 'My Api'],
          }),
      ),
    ).toEqual([
      `promotion 'Promote': 'images' must name at least one image, each a lowercase letter, then lowercase letters, digits and -, got ["web","My Api"]. Name the release's images, e.g. ['web', 'api'].`,
    ]);
  });

  test('publishes the release as verified only after the given checks', () => {
    const stack = testStack();
    const promotion = new Promotion(stack, 'Promote', {
      upstreamStage: 'dev',
      upstreamLocation: 'cdktf_pipeline_dev',
      stateReader: StateStore.postgres(),
      howToDeployUpstream: '',
    });
    const check = new DataResource(stack, 'Check');
    const output = promotion.publishVerified([check]);
    expect(output.friendlyUniqueId).toBe('verified_release');
    const json = synthJson(stack);
    const verified = Object.entries(json.resource.terraform_data).find(([id]) =>
      id.startsWith('Promote_Verified'),
    );
    expect(verified?.[1]).toMatchObject({ depends_on: ['terraform_data.Check'] });
    expect(json.output?.verified_release.value).toBe(
      `\${terraform_data.${verified?.[0]}.output.release}`,
    );
  });
});
