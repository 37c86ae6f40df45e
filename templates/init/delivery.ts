import { Delivery, SmokeTest } from 'cdktf-deployment-pipeline';
import { Construct } from 'constructs';

import { dev } from './environments/dev';
import { prod } from './environments/prod';

/**
 * {{name}}: one image, built once from service/ and smoke-tested inside itself, then promoted by
 * its digest dev -> prod. Both environments are one stack definition; what differs between them
 * is in environments/. prod deploys only a release approved in approvals/prod.txt.
 */
export function delivery(scope: Construct, projectRoot?: string): Delivery {
  return new Delivery(scope, 'Delivery', {
    image: {
      context: 'service',
      repository: '{{name}}',
      // Inside the built image, before it is pushed: the server starts and answers.
      smokeTest: ['sh', '-c', 'httpd -p 8080 -h /www && wget -q -O - http://127.0.0.1:8080/'],
    },
    services: [{ name: 'web', port: 8080, published: true }],
    // After every deploy, over HTTP: the published service answers with its greeting.
    smokeTests: [SmokeTest.http({ service: 'web', path: '/cgi-bin/greeting', bodyContains: 'hello' })],
    environments: [dev, prod],
    // Containers and networks are named {{name}}-dev-web-0 and so on, beside other projects.
    namePrefix: '{{name}}-',
    projectRoot,
  });
}
