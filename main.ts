import { resolve } from 'node:path';

import { App } from 'cdktf';

import { ServiceStack } from './stacks/service-stack';

const app = new App();
new ServiceStack(app, 'service', { context: resolve(__dirname, 'service'), port: 8080 });
app.synth();
