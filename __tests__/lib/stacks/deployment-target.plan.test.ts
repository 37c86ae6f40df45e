import { DeploymentTarget } from '../../../lib';
import { planOf } from '../../../lib/testing';
import { PROJECT_ROOT, testPipeline } from '../../helpers/test-app';

/** What the upstream stage verified, as the plan reads it from the upstream's state. */
const RELEASE = {
  api: `127.0.0.1:5000/sample-api@sha256:${'1'.repeat(64)}`,
  web: `127.0.0.1:5000/sample-web@sha256:${'2'.repeat(64)}`,
};

describe('DeploymentTarget.swarm(), planned by the engine', () => {
  test('the plan of dev: accepted by the docker provider, every service and the network to create', () => {
    const { pipeline } = testPipeline({ target: DeploymentTarget.swarm() });
    const dev = pipeline.environments.find((s) => s.node.id === 'dev');
    if (!dev) throw new Error('the sample delivery has no dev');
    const plan = planOf(dev, {
      upstreamOutputs: { verified_release: RELEASE },
      root: PROJECT_ROOT,
    });
    expect(plan.changes.map((c) => `${c.address} ${c.actions.join(',')}`)).toEqual([
      'docker_image.Release-api create',
      'docker_image.Release-web create',
      'docker_network.Services_Network_729EEF64 create',
      'docker_service.Services_Api_40E84DDA create',
      'docker_service.Services_WebPublished_F9401B30 create',
      'docker_service.Services_Web_00C5A910 create',
      // The sample's own data volume.
      'docker_volume.Data create',
      'terraform_data.Approval_Check_F22CAA85 create',
      'terraform_data.Promotion_UpstreamVerified_6EBACBFA create',
      'terraform_data.Promotion_Verified_7E54EA00 create',
      'terraform_data.SmokeTest1 create',
    ]);
    expect(plan).toMatchSnapshot();
  });
});
