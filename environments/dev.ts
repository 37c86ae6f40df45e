import { Approval, EnvironmentConfig } from '../lib';

export const dev: EnvironmentConfig = {
  name: 'dev',
  upstream: 'image',
  approval: Approval.none(),
  services: {
    web: { replicas: 1, port: 8080, env: { GREETING: 'hello from dev', LOG_LEVEL: 'debug' } },
    api: { replicas: 1, env: { LOG_LEVEL: 'debug' } },
  },
  source: 'environments/dev.ts',
};
