import { Approval, EnvironmentConfig } from '../lib';
import { SampleSettings } from '../stacks/sample-settings';

export const dev: EnvironmentConfig<SampleSettings> = {
  name: 'dev',
  upstream: 'image',
  approval: Approval.none(),
  services: {
    web: { replicas: 1, port: 8080, env: { GREETING: 'hello from dev', LOG_LEVEL: 'debug' } },
    api: { replicas: 1, env: { LOG_LEVEL: 'debug' } },
  },
  settings: { dataSizeMb: 16 },
  source: 'environments/dev.ts',
};
