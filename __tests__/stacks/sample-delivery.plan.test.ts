import { TerraformStack } from 'cdktf';

import { releaseId, releaseKey } from '../../lib';
import { planOf } from '../../lib/testing';
import { PROJECT_ROOT, testPipeline } from '../helpers/test-app';

/** What the upstream stage verified, as the plan reads it from the upstream's state. */
const RELEASE = {
  api: `127.0.0.1:5000/sample-api@sha256:${'1'.repeat(64)}`,
  web: `127.0.0.1:5000/sample-web@sha256:${'2'.repeat(64)}`,
};

describe("the engine's plan of every stack of the sample delivery", () => {
  const { pipeline } = testPipeline({ reviewIds: ['42'] });
  const environment = (name: string): TerraformStack => {
    const stack = pipeline.environments.find((s) => s.node.id === name);
    if (!stack) throw new Error(`no stack ${name}`);
    return stack;
  };

  test.each(['dev', 'staging', 'review-42'])(
    '%s: the services from the verified release, the checks, the verified output',
    (name) => {
      expect(
        planOf(environment(name), {
          upstreamOutputs: { verified_release: RELEASE },
          root: PROJECT_ROOT,
        }),
      ).toMatchSnapshot();
    },
  );

  test('an upstream whose state holds no release (destroyed, or never verified): the plan stops at the promotion gate, saying what to deploy', () => {
    // (planOf writes the upstream's state beside the plan: its path differs from run to run.)
    expect(() => planOf(environment('staging'), { upstreamOutputs: {} })).toThrow(
      /^planOf\(staging\): \S+ failed: Error: Resource precondition failed .* The upstream stage dev has not verified a release with api, web yet \(no verified_release with each of them in \S+\/upstream\.tfstate\)\. Deploy it first: cdktf deploy dev\.$/,
    );
  });

  test('prod: the plan stops at the approval gate until the release is approved', () => {
    const prod = environment('prod');
    const id = releaseId(RELEASE);
    // No release approved (whatever approvals/prod.txt holds in this checkout).
    const unapproved = {
      upstreamOutputs: { verified_release: RELEASE },
      variables: { approved_releases: [] },
    };
    // The engine's message (with the values it read), then the gate's, which ends it.
    expect(() => planOf(prod, unapproved)).toThrow(
      endsWith(
        /^planOf\(prod\): \S+ failed: Error: Resource precondition failed /,
        `Release ${id} is not approved for prod: not approved: api sha256:${'1'.repeat(64)}, web sha256:${'2'.repeat(64)}. Approve it with: npm run approve -- prod ${id} (commit the record), then deploy again.`,
      ),
    );
    expect(
      planOf(prod, {
        upstreamOutputs: { verified_release: RELEASE },
        variables: { approved_releases: [releaseKey(RELEASE)] },
        root: PROJECT_ROOT,
      }),
    ).toMatchSnapshot();
  });

  test('image: one build of each image from its own folder of service/, tested inside the image, then pushed', () => {
    // The tags are the content hashes of service/web and service/api: named, so that the
    // snapshot outlives a change there.
    let plan = JSON.stringify(planOf(pipeline.image, { root: PROJECT_ROOT }));
    for (const [name, artifact] of Object.entries(pipeline.image.artifacts)) {
      expect(plan).toContain(artifact.tag);
      plan = plan.split(artifact.tag).join(`<${name} tag>`);
    }
    expect(JSON.parse(plan)).toMatchSnapshot();
  });
});

/** A pattern for `prefix`, anything, then exactly `text` at the end. */
function endsWith(prefix: RegExp, text: string): RegExp {
  return new RegExp(`${prefix.source}.*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}
