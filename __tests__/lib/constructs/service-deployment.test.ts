import { Container } from '@cdktf/provider-docker/lib/container';
import { Network } from '@cdktf/provider-docker/lib/network';

import { ServiceDeployment } from '../../../lib';
import { resources, synth, testStack } from '../../helpers/test-app';

describe('ServiceDeployment', () => {
  test('defaults: one replica, not published, wget health check, restart unless-stopped, 60 s to get healthy', () => {
    const stack = testStack();
    new ServiceDeployment(stack, 'Deploy', {
      image: 'img',
      namePrefix: 'qa',
      services: [{ name: 'web', port: 8080 }],
    });
    const [web] = resources(stack, 'docker_container');
    expect(web).toMatchObject({
      count: 1,
      name: 'qa-web-${count.index}',
      image: 'img',
      restart: 'unless-stopped',
      wait: true,
      wait_timeout: 60,
      must_run: true,
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/'] },
      networks_advanced: [
        { aliases: ['web'], name: expect.stringContaining('docker_network.Deploy_Network_') },
      ],
    });
    expect(web.ports).toBeUndefined();
    expect(web.env).toBeUndefined();
    expect(synth(stack)).toHaveResourceWithProperties(Network, {
      name: 'qa-net',
      driver: 'bridge',
    });
  });

  test('replica N of a published service is published on 127.0.0.1 at port + N', () => {
    const stack = testStack();
    new ServiceDeployment(stack, 'Deploy', {
      image: 'img',
      namePrefix: 'qa',
      services: [{ name: 'web', port: 80, publishedPort: 9000, replicas: 3 }],
    });
    expect(synth(stack)).toHaveResourceWithProperties(Container, {
      count: 3,
      ports: [{ internal: 80, external: '${(9000 + count.index)}', ip: '127.0.0.1' }],
    });
  });

  test('literal environment variables become NAME=value entries; labels go on containers and network', () => {
    const stack = testStack();
    new ServiceDeployment(stack, 'Deploy', {
      image: 'img',
      namePrefix: 'qa',
      labels: { team: 'a' },
      services: [{ name: 'web', port: 80, env: { A: '1', B: 'two words' } }],
    });
    const [web] = resources(stack, 'docker_container');
    expect(web.env).toEqual(['A=1', 'B=two words']);
    expect(web.labels).toEqual([
      { label: 'team', value: 'a' },
      { label: 'cdktf-pipeline.service', value: 'web' },
    ]);
    expect(synth(stack)).toHaveResourceWithProperties(Network, {
      labels: [{ label: 'team', value: 'a' }],
    });
  });

  test('a service starts after the services it depends on, whatever the order given', () => {
    const stack = testStack();
    const deployment = new ServiceDeployment(stack, 'Deploy', {
      image: 'img',
      namePrefix: 'qa',
      healthTimeoutSeconds: 5,
      services: [
        { name: 'web', port: 80, dependsOn: ['api'] },
        { name: 'api', port: 80, dependsOn: ['db'] },
        { name: 'db', port: 5432, healthCheck: ['true'] },
      ],
    });
    expect(Object.keys(deployment.containers)).toEqual(['db', 'api', 'web']);
    const byName = Object.fromEntries(
      resources(stack, 'docker_container').map((c) => [String(c.name).split('-')[1], c]),
    );
    expect(byName.web.depends_on).toEqual([
      expect.stringContaining('docker_container.Deploy_Api_'),
    ]);
    expect(byName.api.depends_on).toEqual([expect.stringContaining('docker_container.Deploy_Db_')]);
    expect(byName.db).toMatchObject({ wait_timeout: 5, healthcheck: { test: ['CMD', 'true'] } });
  });
});
