import { resolve } from 'node:path';

import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { LocalDockerProvider } from '../lib/local-docker-provider';
import { contentHash } from '../lib/private/content-hash';
import { PROJECT_ROOT, stateFile } from '../lib/private/paths';

export interface ServiceStackProps {
  /** Folder with the service's Dockerfile. */
  readonly context: string;
  /** Host port on 127.0.0.1 that the service is published on. */
  readonly port: number;
}

/** The sample service as one container on the local Docker engine. */
export class ServiceStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id);
    new LocalDockerProvider(this, 'Docker');
    new LocalBackend(this, { path: stateFile(PROJECT_ROOT, id) });
    const context = resolve(props.context);
    const tag = contentHash(context).slice(0, 12);
    const image = new Image(this, 'Image', {
      name: `sample-service:${tag}`,
      keepLocally: false,
      buildAttribute: { context, buildArgs: { BUILD_ID: tag } },
      triggers: { content: tag },
    });
    const network = new Network(this, 'Network', { name: `${id}-net` });
    new Container(this, 'Web', {
      name: `${id}-web`,
      image: image.imageId,
      networksAdvanced: [{ name: network.name }],
      ports: [{ internal: 8080, external: props.port, ip: '127.0.0.1' }],
      env: ['SERVICE_NAME=web'],
      healthcheck: {
        test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:8080/cgi-bin/health'],
        interval: '1s',
        timeout: '3s',
        retries: 30,
      },
      wait: true,
      waitTimeout: 60,
      restart: 'unless-stopped',
    });
    new TerraformOutput(this, 'url', { value: `http://127.0.0.1:${props.port}/` });
  }
}
