import { driftOf } from '../../../../lib/operations/private/engine-plan';

describe('driftOf', () => {
  test('a resource gone, one changed (attribute names only, never values), what the state never recorded ignored', () => {
    expect(
      driftOf({
        resource_drift: [
          {
            address: 'docker_container.Services_Web_00C5A910[1]',
            change: { actions: ['delete'], before: { name: 'prod-web-1', id: 'a' }, after: null },
          },
          {
            address: 'docker_container.Services_Web_00C5A910[0]',
            change: {
              actions: ['update'],
              before: {
                name: 'prod-web-0',
                env: ['API_TOKEN=s3cr3t'],
                network_data: [{ network_name: 'prod-net' }],
                must_run: true,
              },
              after: {
                name: 'prod-web-0',
                env: ['API_TOKEN=s3cr3t'],
                network_data: [],
                must_run: true,
                exit_code: 0,
              },
            },
          },
        ],
      }),
    ).toEqual([
      {
        address: 'docker_container.Services_Web_00C5A910[1]',
        name: 'prod-web-1',
        kind: 'removed',
        attributes: [],
      },
      {
        address: 'docker_container.Services_Web_00C5A910[0]',
        name: 'prod-web-0',
        kind: 'changed',
        attributes: ['network_data'],
      },
    ]);
  });

  test("the engine's ways of saying nothing are no drift: null, [], {}, '' and empty items", () => {
    expect(
      driftOf({
        resource_drift: [
          {
            address: 'docker_container.Services_Web_00C5A910[0]',
            change: {
              actions: ['update'],
              before: {
                name: 'dev-web-0',
                dns: null,
                tmpfs: null,
                networks_advanced: [{ name: 'dev-net', ipv4_address: '', aliases: ['web'] }],
                sysctls: {},
              },
              after: {
                name: 'dev-web-0',
                dns: [],
                tmpfs: {},
                networks_advanced: [{ aliases: ['web'], name: 'dev-net', ipv4_address: null }],
                sysctls: null,
              },
            },
          },
        ],
      }),
    ).toEqual([]);
  });

  test('a container stopped by hand', () => {
    expect(
      driftOf({
        resource_drift: [
          {
            address: 'docker_container.Services_Api_40E84DDA[1]',
            change: {
              actions: ['update'],
              before: { name: 'prod-api-1', must_run: true, exit_code: null },
              after: { name: 'prod-api-1', must_run: false, exit_code: 137 },
            },
          },
        ],
      }),
    ).toEqual([
      {
        address: 'docker_container.Services_Api_40E84DDA[1]',
        name: 'prod-api-1',
        kind: 'stopped',
        attributes: ['must_run'],
      },
    ]);
  });

  test('a plan without drift', () => {
    expect(driftOf({})).toEqual([]);
    expect(driftOf({ resource_drift: [] })).toEqual([]);
  });
});
