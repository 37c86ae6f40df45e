import { Approval, EnvironmentConfig } from '../lib';
import { SampleSettings } from '../stacks/sample-settings';

export const staging: EnvironmentConfig<SampleSettings> = {
  name: 'staging',
  upstream: 'dev',
  approval: Approval.none(),
  services: {
    web: { replicas: 2, port: 8180, env: { GREETING: 'hello from staging', LOG_LEVEL: 'info' } },
    api: { replicas: 1, env: { LOG_LEVEL: 'info' } },
  },
  settings: { dataSizeMb: 32 },
  source: 'environments/staging.ts',
};
