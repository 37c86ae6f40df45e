import { Network } from '@cdktf/provider-docker/lib/network';
import { TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';

import { LocalDockerProvider } from '../../../lib';
import { KNOWN_AFTER_APPLY, planOf, SENSITIVE } from '../../../lib/testing';

/** A network named from a variable, and an output of its id. */
function networkStack(sensitive = false): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'net');
  new LocalDockerProvider(stack, 'Docker');
  const name = new TerraformVariable(stack, 'name', { type: 'string', sensitive });
  const network = new Network(stack, 'Net', { name: name.stringValue, driver: 'bridge' });
  new TerraformOutput(stack, 'network_id', { value: network.id });
  return stack;
}

describe('planOf, the real engine plan of a stack', () => {
  test('lists what would be created, with the configured attributes and the given variables', () => {
    expect(planOf(networkStack(), { variables: { name: 'plan-test-net' } })).toEqual({
      changes: [
        {
          address: 'docker_network.Net',
          actions: ['create'],
          values: { driver: 'bridge', name: 'plan-test-net' },
        },
      ],
      outputs: { network_id: KNOWN_AFTER_APPLY },
    });
  });

  test('hides what the configuration declares sensitive', () => {
    expect(planOf(networkStack(true), { variables: { name: 'plan-test-net' } }).changes).toEqual([
      {
        address: 'docker_network.Net',
        actions: ['create'],
        values: { driver: 'bridge', name: SENSITIVE },
      },
    ]);
  });

  test("attributes: 'all' adds the provider's defaults and computed values", () => {
    const [change] = planOf(networkStack(), {
      variables: { name: 'plan-test-net' },
      attributes: 'all',
    }).changes;
    expect(change.values).toMatchObject({
      name: 'plan-test-net',
      id: KNOWN_AFTER_APPLY,
      ipam_driver: 'default',
    });
  });

  test("fails with the engine's error on one line when the plan fails", () => {
    expect(() => planOf(networkStack())).toThrow(
      /^planOf\(net\): .* failed: Error: No value for required variable .*The root module input variable "name" is not set, and has no default value\./,
    );
  });
});
