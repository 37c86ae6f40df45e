import { IConstruct } from 'constructs';

import { EnvironmentParity } from '../parity/environment-parity';

/**
 * Jest matchers: `expect.extend(parityMatchers)`, then
 * `expect(app).toHaveEnvironmentParity()` synthesizes the environment stacks under `app` and
 * passes when their Terraform is identical (apart from metadata and backend).
 */
export const parityMatchers = {
  toHaveEnvironmentParity(received: IConstruct) {
    const report = EnvironmentParity.check(received);
    const pass = report.stacks.length > 1 && report.differences.length === 0;
    const message =
      report.stacks.length < 2
        ? `expected at least two environment stacks to compare, found ${report.stacks.length}`
        : EnvironmentParity.format(report);
    return { pass, message: () => message };
  },
};

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    interface Matchers<R> {
      /** The environment stacks under the construct synthesize identical Terraform. */
      toHaveEnvironmentParity(): R;
    }
  }
}
