import { Approval, EnvironmentConfig } from '../lib';

export const prod: EnvironmentConfig = {
  name: 'prod',
  upstream: 'staging',
  approval: Approval.required('approvals/prod.txt'),
  services: {
    web: { replicas: 2, port: 8280, env: { GREETING: 'hello from prod', LOG_LEVEL: 'warn' } },
    api: { replicas: 2, env: { LOG_LEVEL: 'warn' } },
  },
  source: 'environments/prod.ts',
};
