import { Approval, EnvironmentConfig } from 'cdktf-deployment-pipeline';

/** dev deploys every release the image stage verified. */
export const dev: EnvironmentConfig = {
  name: 'dev',
  upstream: 'image',
  approval: Approval.none(),
  services: {
    web: { replicas: 1, port: {{devPort}}, env: { GREETING: 'hello from dev' } },
  },
  source: 'environments/dev.ts',
};
