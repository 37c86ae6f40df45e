import { IConstruct } from 'constructs';

import { EnvironmentParity } from '../parity/environment-parity';

/**
 * Jest matchers: `expect.extend(parityMatchers)`, then `expect(app).toHaveEnvironmentParity()`
 * synthesizes the app into its output folder and passes when the files written for the
 * environment stacks under `app` have parity (`EnvironmentParity.check` of the package's main entry point): identical
 * `cdk.tf.json` apart from metadata and the state location, and variables files that match
 * their declarations. It fails with the report otherwise.
 */
export const parityMatchers = {
  /** Passes when the environment stacks under `received` have parity; `message` is the report. */
  toHaveEnvironmentParity(received: IConstruct): {
    /** Whether the stacks have parity. */
    pass: boolean;
    /** The parity report. */
    message: () => string;
  } {
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
      /**
       * The environment stacks under the construct synthesize identical Terraform (their
       * backend's state location apart) and variables files that match their declarations.
       */
      toHaveEnvironmentParity(): R;
    }
  }
}
