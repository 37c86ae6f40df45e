import { Testing } from 'cdktf';
import { parityMatchers, planOf } from 'cdktf-deployment-pipeline/testing';

import { delivery } from './delivery';

expect.extend(parityMatchers);

const build = () => {
  const app = Testing.app();
  return { app, delivery: delivery(app, __dirname) };
};

test('every environment synthesizes identical Terraform', () => {
  expect(build().app).toHaveEnvironmentParity();
});

test("dev's plan: what the engine would create for a release", () => {
  const dev = build().delivery.environments.find((stack) => stack.node.id === 'dev');
  if (!dev) throw new Error('no dev stack');
  const release = { app: `127.0.0.1:5000/{{name}}@sha256:${'a'.repeat(64)}` };
  expect(planOf(dev, { upstreamOutputs: { verified_release: release } })).toMatchSnapshot();
});
