import { Network } from '@cdktf/provider-docker/lib/network';
import { Service } from '@cdktf/provider-docker/lib/service';
import { TerraformOutput, TerraformStack } from 'cdktf';

import { SwarmServiceDeployment, SwarmServiceDeploymentProps } from '../../../lib';
import { resources, synth, synthJson, testStack } from '../../helpers/test-app';

function deploy(props: Partial<SwarmServiceDeploymentProps> = {}): {
  stack: TerraformStack;
  deployment: SwarmServiceDeployment;
} {
  const stack = testStack();
  const deployment = new SwarmServiceDeployment(stack, 'Deploy', {
    image: '127.0.0.1:5000/app@sha256:1',
    namePrefix: 'qa',
    services: [{ name: 'web', port: 8080 }],
    ...props,
  });
  return { stack, deployment };
}

/** The synthesized docker_service resources by their Swarm name. */
function services(stack: TerraformStack): Record<string, Record<string, unknown>> {
  return Object.fromEntries(resources(stack, 'docker_service').map((s) => [String(s.name), s]));
}

describe('SwarmServiceDeployment', () => {
  test('defaults: one replica on an attachable overlay network, DNS round robin, start-first updates that roll back, 180 s to converge', () => {
    const { stack } = deploy();
    expect(synth(stack)).toHaveResourceWithProperties(Network, {
      name: 'qa-net',
      driver: 'overlay',
      attachable: true,
    });
    const { 'qa-web': web, ...others } = services(stack);
    expect(others).toEqual({});
    expect(web).toEqual({
      name: 'qa-web',
      labels: [{ label: 'cdktf-pipeline.service', value: 'web' }],
      mode: { replicated: { replicas: 1 } },
      endpoint_spec: { mode: 'dnsrr' },
      task_spec: {
        container_spec: {
          image: '127.0.0.1:5000/app@sha256:1',
          init: true,
          labels: [{ label: 'cdktf-pipeline.service', value: 'web' }],
          healthcheck: {
            test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/'],
            interval: '1s',
            timeout: '3s',
            retries: 3,
            start_period: '2s',
          },
          user: '65534:65534',
          read_only: true,
          cap_drop: ['ALL'],
        },
        resources: { limits: { memory_bytes: 268435456, nano_cpus: 500000000 } },
        networks_advanced: [
          {
            id: expect.stringMatching(/^\$\{docker_network\.Deploy_Network_\w+\.id\}$/),
            aliases: ['web'],
          },
        ],
      },
      update_config: {
        parallelism: 1,
        delay: '0s',
        order: 'start-first',
        failure_action: 'rollback',
        monitor: '5s',
        max_failure_ratio: '0',
      },
      rollback_config: {
        parallelism: 1,
        delay: '0s',
        order: 'start-first',
        failure_action: 'pause',
        monitor: '5s',
        max_failure_ratio: '0',
      },
      converge_config: { timeout: '180s', delay: '1s' },
      depends_on: [],
    });
  });

  test('no stop grace period (destroy would fail once waiting for it), no restart or placement settings of its own', () => {
    const { stack } = deploy();
    const [web] = resources(stack, 'docker_service') as { task_spec: Record<string, unknown> }[];
    expect(web.task_spec.container_spec).not.toHaveProperty('stop_grace_period');
    expect(web.task_spec).not.toHaveProperty('restart_policy');
    // Nor placement: the engine adds the image's platforms to it, a change on every plan.
    expect(web.task_spec).not.toHaveProperty('placement');
  });

  test('asks for a docker provider that knows init and networks_advanced.id', () => {
    const { stack } = deploy();
    expect(JSON.parse(synth(stack)).terraform.required_providers.docker.version).toBe(
      '>= 4.5.0, < 5.0.0',
    );
  });

  test('a published service: its replicas serve the network; one task per node publishes the port in host mode, stop-first, after every service rolled out', () => {
    const { stack, deployment } = deploy({
      services: [
        { name: 'api', port: 9000 },
        { name: 'web', port: 8080, publishedPort: 18080, replicas: 2, dependsOn: ['api'] },
      ],
    });
    const { 'qa-web': web, 'qa-web-published': published } = services(stack);
    expect(web).toMatchObject({
      mode: { replicated: { replicas: 2 } },
      endpoint_spec: { mode: 'dnsrr' },
      update_config: expect.objectContaining({ order: 'start-first' }),
      depends_on: [expect.stringMatching(/^docker_service\.Deploy_Api_/)],
    });
    expect(web.endpoint_spec).not.toHaveProperty('ports');
    expect(published).toMatchObject({
      mode: { replicated: { replicas: 1 } },
      endpoint_spec: {
        mode: 'dnsrr',
        ports: [
          { target_port: 8080, published_port: 18080, publish_mode: 'host', protocol: 'tcp' },
        ],
      },
      task_spec: {
        networks_advanced: [{ id: expect.stringContaining('docker_network.Deploy_Network_') }],
      },
      update_config: expect.objectContaining({ order: 'stop-first', failure_action: 'rollback' }),
      rollback_config: expect.objectContaining({ order: 'stop-first' }),
      depends_on: [
        expect.stringMatching(/^docker_service\.Deploy_Api_/),
        expect.stringMatching(/^docker_service\.Deploy_Web_/),
      ],
    });
    // Nothing reaches the publishers by the service's name: they update with a gap.
    expect(
      (published.task_spec as { networks_advanced: object[] }).networks_advanced[0],
    ).not.toHaveProperty('aliases');
    expect(Object.keys(deployment.services)).toEqual(['api', 'web']);
    expect(Object.keys(deployment.publishers)).toEqual(['web']);
  });

  test('options: publishers, parallelism, monitor window and convergence timeout', () => {
    const { stack } = deploy({
      services: [{ name: 'web', port: 80, publishedPort: 18080 }],
      publishers: 3,
      updateParallelism: 2,
      monitorSeconds: 12,
      convergeTimeoutSeconds: 600,
    });
    const { 'qa-web': web, 'qa-web-published': published } = services(stack);
    expect(published.mode).toEqual({ replicated: { replicas: 3 } });
    for (const service of [web, published]) {
      expect(service).toMatchObject({
        update_config: { parallelism: 2, monitor: '12s' },
        rollback_config: { parallelism: 2, monitor: '12s' },
        converge_config: { timeout: '600s' },
      });
    }
  });

  test('placement: the constraints go on every task, the service replicas and the publishers alike', () => {
    const placement = ['node.labels.pool == apps', 'node.role != manager'];
    const { stack } = deploy({
      services: [
        { name: 'web', port: 80, publishedPort: 18080 },
        { name: 'api', port: 80 },
      ],
      placement,
    });
    const all = services(stack);
    expect(Object.keys(all).sort()).toEqual(['qa-api', 'qa-web', 'qa-web-published']);
    for (const service of Object.values(all)) {
      expect(service.task_spec).toMatchObject({ placement: { constraints: placement } });
      // The platforms the engine adds to a constrained placement are not a change.
      expect(service.lifecycle).toEqual({
        ignore_changes: ['task_spec[0].placement[0].platforms'],
      });
    }
    // Without constraints, no placement block: every node qualifies.
    const free = services(deploy({ services: [{ name: 'web', port: 80 }] }).stack);
    expect(free['qa-web'].task_spec).not.toHaveProperty('placement');
    expect(free['qa-web']).not.toHaveProperty('lifecycle');
  });

  test('environment variables, health check and labels go on the services and their containers', () => {
    const { stack } = deploy({
      labels: { 'cdktf-pipeline.environment': 'qa' },
      services: [{ name: 'web', port: 80, env: { A: '1' }, healthCheck: ['true'] }],
    });
    const labels = [
      { label: 'cdktf-pipeline.environment', value: 'qa' },
      { label: 'cdktf-pipeline.service', value: 'web' },
    ];
    expect(synth(stack)).toHaveResourceWithProperties(Service, {
      labels,
      task_spec: expect.objectContaining({
        container_spec: expect.objectContaining({
          env: { A: '1' },
          labels,
          healthcheck: expect.objectContaining({ test: ['CMD', 'true'] }),
        }),
      }),
    });
    expect(synth(stack)).toHaveResourceWithProperties(Network, {
      labels: [{ label: 'cdktf-pipeline.environment', value: 'qa' }],
    });
  });

  test('services are created and updated after those they depend on, whatever the order given', () => {
    const { deployment } = deploy({
      services: [
        { name: 'web', port: 80, dependsOn: ['api'] },
        { name: 'api', port: 80, dependsOn: ['db'] },
        { name: 'db', port: 5432 },
      ],
    });
    expect(Object.keys(deployment.services)).toEqual(['db', 'api', 'web']);
  });

  test('revisions: every service ID with what it was given, so that an update (same ID) re-runs the smoke tests', () => {
    const revision = (props: Partial<SwarmServiceDeploymentProps>) => {
      const { deployment, stack } = deploy({
        services: [{ name: 'web', port: 80, publishedPort: 18080, env: { A: '1' } }],
        ...props,
      });
      expect(Object.keys(deployment.revisions)).toEqual(['services']);
      new TerraformOutput(stack, 'revision', { value: deployment.revisions.services });
      return synthJson(stack).output?.revision.value as string;
    };
    const given = revision({});
    // The values that may be variables as expressions, the literal rest as a hash of its own.
    const shown = given
      .replace(/_[0-9A-F]{8}\.id/g, '.id')
      .replace(/"[0-9a-f]{16}"/g, '"<literal hash>"');
    expect(shown).toBe(
      '${join(";", [' +
        'join(":", [docker_service.Deploy_Web.id, sha1(jsonencode(["127.0.0.1:5000/app@sha256:1", {"A" = "1"}, 1, 0, 256, 0.5, []])), "<literal hash>"]), ' +
        'join(":", [docker_service.Deploy_WebPublished.id, sha1(jsonencode(["127.0.0.1:5000/app@sha256:1", {"A" = "1"}, 1, 18080, 256, 0.5, []])), "<literal hash>"])' +
        '])}',
    );
    // Never the service's own attributes: the provider fills them in at apply.
    expect(given).not.toContain('task_spec');
    expect(revision({})).toBe(given);
    expect(revision({ monitorSeconds: 6 })).not.toBe(given);
  });
});
