import { Network } from '@cdktf/provider-docker/lib/network';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';

import { EnvironmentParity, EnvironmentStack, LocalDockerProvider } from '../../../lib';
import { parityMatchers } from '../../../lib/testing';
import { testPipeline } from '../../helpers/test-app';

expect.extend(parityMatchers);

/** A minimal environment stack: a network named from a variable; `extra` adds a resource. */
class TinyEnvironment extends TerraformStack {
  constructor(scope: App, id: string, extra = false) {
    super(scope, id);
    EnvironmentParity.include(this);
    new LocalDockerProvider(this, 'Docker');
    const name = new TerraformVariable(this, 'name', { type: 'string' });
    new Network(this, 'Network', { name: name.stringValue });
    if (extra) new Network(this, 'Debug', { name: 'debug-net', internal: true });
  }
}

describe('EnvironmentParity', () => {
  test('passes when stacks differ only in their values', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    new TinyEnvironment(app, 'prod');
    expect(app).toHaveEnvironmentParity();
    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      'parity OK: 2 environment stacks synthesize identical Terraform (dev, prod)',
    );
  });

  test('fails on a divergent environment, naming each difference with its path and both values', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    new TinyEnvironment(app, 'staging', true);
    const report = EnvironmentParity.check(app);
    expect(report.differences).toEqual([
      {
        stacks: ['dev', 'staging'],
        path: 'resource.docker_network.Debug',
        expected: undefined,
        actual: { internal: true, name: 'debug-net' },
      },
    ]);
    expect(EnvironmentParity.format(report)).toBe(
      [
        'parity FAILED: 1 difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.',
        '  resource.docker_network.Debug',
        '    dev: (absent)',
        '    staging: {"internal":true,"name":"debug-net"}',
      ].join('\n'),
    );
    expect(() => expect(app).toHaveEnvironmentParity()).toThrow('parity FAILED: 1 difference(s)');
  });

  test('a literal that differs between two real environment stacks is caught', () => {
    const { app, pipeline } = testPipeline();
    const staging = pipeline.environments.find((s) => s.node.id === 'staging') as EnvironmentStack;
    staging.deployment.network.addOverride('name', 'staging-net');
    expect(EnvironmentParity.check(app).differences).toEqual([
      {
        stacks: ['dev', 'staging'],
        path: expect.stringMatching(/^resource\.docker_network\.Services_Network_\w+\.name$/),
        expected: '${var.environment}-net',
        actual: 'staging-net',
      },
    ]);
  });

  test('ignores cdktf metadata and the backend', () => {
    const { app } = testPipeline();
    const stacks = EnvironmentParity.stacksIn(app);
    const raw = stacks.map((s) => JSON.stringify(s.toTerraform()));
    expect(raw[0]).not.toBe(raw[1]);
    expect(EnvironmentParity.comparable(stacks[0])).toEqual(
      EnvironmentParity.comparable(stacks[1]),
    );
  });

  test('the matcher needs at least two environment stacks', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    expect(() => expect(app).toHaveEnvironmentParity()).toThrow(
      'expected at least two environment stacks to compare, found 1',
    );
  });
});
