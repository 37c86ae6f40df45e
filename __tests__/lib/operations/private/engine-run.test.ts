import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { smokeTestFailure } from '../../../../lib/operations/private/engine-run';
import { PROJECT_ROOT } from '../../../helpers/test-app';

/** What OpenTofu 1.12 printed (`tofu apply -no-color`) when a provisioner printed a smoke test's failure line and failed. */
const LOG = readFileSync(
  join(PROJECT_ROOT, '__tests__', 'fixtures', 'engine-logs', 'smoke-test-failed.log'),
  'utf8',
);

describe('smokeTestFailure', () => {
  test("the test's own line, whole, although the engine's error block wraps it", () => {
    expect(smokeTestFailure(LOG)).toBe(
      "smoke test 'web/cgi-bin/health' failed: GET http://127.0.0.1:8080/cgi-bin/health expected status 200 and a body containing 'upstream: ok api'; received status 200, body: ok web (upstream: broken api ) (after 20 attempts in 19s)",
    );
  });

  test('a log with only the wrapped block gives its first line; a log without a failed test, nothing', () => {
    const block = LOG.slice(LOG.indexOf('Error: local-exec provisioner error'));
    expect(smokeTestFailure(block)).toBe("smoke test 'web/cgi-bin/health' failed: GET");
    expect(smokeTestFailure('Apply complete! Resources: 1 added, 0 changed, 0 destroyed.')).toBe(
      undefined,
    );
  });
});
