import { Approval, EnvironmentConfig } from '../lib';

export const staging: EnvironmentConfig = {
  name: 'staging',
  upstream: 'dev',
  approval: Approval.none(),
  services: {
    web: { replicas: 2, port: 8180, env: { GREETING: 'hello from staging', LOG_LEVEL: 'info' } },
    api: { replicas: 1, env: { LOG_LEVEL: 'info' } },
  },
  source: 'environments/staging.ts',
};
