import { Approval, EnvironmentConfig } from 'cdktf-deployment-pipeline';

/** prod deploys what dev verified, once that release is approved in approvals/prod.txt. */
export const prod: EnvironmentConfig = {
  name: 'prod',
  upstream: 'dev',
  approval: Approval.required('approvals/prod.txt'),
  services: {
    web: { replicas: 2, port: {{prodPort}}, env: { GREETING: 'hello from prod' } },
  },
  source: 'environments/prod.ts',
};
