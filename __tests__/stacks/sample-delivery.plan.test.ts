import { TerraformStack } from 'cdktf';

import { planOf } from '../../lib/testing';
import { PROJECT_ROOT, testPipeline } from '../helpers/test-app';

/** What the upstream stage verified, as the plan reads it from the upstream's state. */
const IMAGE = `127.0.0.1:5000/sample-service@sha256:${'1'.repeat(64)}`;

describe("the engine's plan of every stack of the sample delivery", () => {
  const { pipeline } = testPipeline({ reviewIds: ['42'] });
  const environment = (name: string): TerraformStack => {
    const stack = pipeline.environments.find((s) => s.node.id === name);
    if (!stack) throw new Error(`no stack ${name}`);
    return stack;
  };

  test.each(['dev', 'staging', 'review-42'])(
    '%s: the services from the verified image, the checks, the verified output',
    (name) => {
      expect(
        planOf(environment(name), {
          upstreamOutputs: { verified_image: IMAGE },
          root: PROJECT_ROOT,
        }),
      ).toMatchSnapshot();
    },
  );

  test('prod: the plan stops at the approval gate until the digest is approved', () => {
    const prod = environment('prod');
    const digest = `sha256:${'1'.repeat(64)}`;
    // No digest approved (whatever approvals/prod.txt holds in this checkout).
    const unapproved = {
      upstreamOutputs: { verified_image: IMAGE },
      variables: { approved_digests: [] },
    };
    // The whole message; only the engine's path differs between machines.
    expect(() => planOf(prod, unapproved)).toThrow(
      exactly(
        /planOf\(prod\): \S+ failed: /,
        `Error: Resource precondition failed data.terraform_remote_state.Promotion_Upstream_8B0AC4AE.outputs.verified_image is "${IMAGE}" var.approved_digests is empty list of string var.require_approval is true ${digest} is not approved for prod. Approve it with: npm run approve -- prod ${digest} (commit the record), then deploy again.`,
      ),
    );
    expect(
      planOf(prod, {
        upstreamOutputs: { verified_image: IMAGE },
        variables: { approved_digests: [`sha256:${'1'.repeat(64)}`] },
        root: PROJECT_ROOT,
      }),
    ).toMatchSnapshot();
  });

  test('image: one build of service/, tested inside the image, then pushed', () => {
    // The tag is the content hash of service/: named, so that the snapshot outlives a change there.
    const plan = JSON.stringify(planOf(pipeline.image, { root: PROJECT_ROOT }));
    expect(plan).toContain(pipeline.image.artifact.tag);
    expect(JSON.parse(plan.split(pipeline.image.artifact.tag).join('<tag>'))).toMatchSnapshot();
  });
});

/** A pattern for `prefix` followed by exactly `text`, and nothing else. */
function exactly(prefix: RegExp, text: string): RegExp {
  return new RegExp(`^${prefix.source}${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
