import { Approval, EnvironmentConfig } from '../lib';
import { SampleSettings } from '../stacks/sample-settings';

export const prod: EnvironmentConfig<SampleSettings> = {
  name: 'prod',
  upstream: 'staging',
  approval: Approval.required('approvals/prod.txt'),
  services: {
    web: { replicas: 2, port: 8280, env: { GREETING: 'hello from prod', LOG_LEVEL: 'warn' } },
    api: { replicas: 2, env: { LOG_LEVEL: 'warn' } },
  },
  settings: { dataSizeMb: 64, dataRetention: '30d' },
  source: 'environments/prod.ts',
};
