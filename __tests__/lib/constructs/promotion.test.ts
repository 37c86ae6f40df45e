import { DataResource } from 'cdktf';

import { Promotion, StateStore } from '../../../lib';
import { synthJson, testStack } from '../../helpers/test-app';

describe('Promotion', () => {
  test("reads the upstream's verified image from its local state, empty when there is none", () => {
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
        defaults: { verified_image: '' },
        lifecycle: {
          precondition: [
            {
              condition: '${fileexists("/s/dev.tfstate")}',
              error_message:
                'The upstream stage dev has not been deployed yet (no state at /s/dev.tfstate), so it has verified no image. Deploy dev.',
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
            /^\$\{\(length\(data\.terraform_remote_state\.Promote_Upstream_\w+\.outputs\.verified_image\) >= 1\)\}$/,
          ),
          error_message:
            'The upstream stage dev has not verified an image yet (no verified_image in /s/dev.tfstate). Deploy dev.',
        },
      ],
    });
  });

  test('publishes the image as verified only after the given checks', () => {
    const stack = testStack();
    const promotion = new Promotion(stack, 'Promote', {
      upstreamStage: 'dev',
      upstreamLocation: 'cdktf_pipeline_dev',
      stateReader: StateStore.postgres(),
      howToDeployUpstream: '',
    });
    const check = new DataResource(stack, 'Check');
    const output = promotion.publishVerified([check]);
    expect(output.friendlyUniqueId).toBe('verified_image');
    const json = synthJson(stack);
    const verified = Object.entries(json.resource.terraform_data).find(([id]) =>
      id.startsWith('Promote_Verified'),
    );
    expect(verified?.[1]).toMatchObject({ depends_on: ['terraform_data.Check'] });
    expect(json.output?.verified_image.value).toBe(
      `\${terraform_data.${verified?.[0]}.output.image}`,
    );
  });
});
