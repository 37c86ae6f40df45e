import { SmokeTest } from '../../../lib';
import { testStack, problemsOf } from '../../helpers/test-app';

describe('SmokeTest errors', () => {
  test('a path without a leading slash and out-of-range numbers, reported together', () => {
    expect(
      problemsOf(() =>
        SmokeTest.http({
          service: 'web',
          path: 'health',
          expectStatus: 99,
          attempts: 0,
          intervalSeconds: -1,
          timeoutSeconds: 0.5,
        }),
      ),
    ).toEqual([
      "smoke test 'webhealth': 'path' must start with '/', got 'health'. Use '/health'.",
      "smoke test 'webhealth': 'expectStatus' must be a whole number from 100 to 599, got 99. Set expectStatus within that range.",
      "smoke test 'webhealth': 'attempts' must be a whole number from 1 to 1000, got 0. Set attempts within that range.",
      "smoke test 'webhealth': 'intervalSeconds' must be a whole number from 0 to 300, got -1. Set intervalSeconds within that range.",
      "smoke test 'webhealth': 'timeoutSeconds' must be a whole number from 1 to 3600, got 0.5. Set timeoutSeconds within that range.",
    ]);
  });

  test('a service that is not published', () => {
    const test = SmokeTest.http({ service: 'api', path: '/' });
    expect(
      problemsOf(() =>
        test.bind(testStack(), 'Smoke', { baseUrls: { web: 'http://x' }, triggers: {} }),
      ),
    ).toEqual([
      "smoke test 'api/': 'service' must name a published service (web), got 'api'. Publish that service (publishedPort) or test another one.",
    ]);
  });

  test('options from JavaScript without types: none, or fields of the wrong kind', () => {
    const untyped = (options: unknown) =>
      problemsOf(() => SmokeTest.http(options as Parameters<typeof SmokeTest.http>[0]));
    expect(untyped(undefined)).toEqual([
      "smoke test: 'options' must be an object, got nothing. Fix it in SmokeTest.http({...}).",
    ]);
    expect(
      untyped({ service: 'web', path: '/health', expectStatus: '200', attempts: NaN }),
    ).toEqual([
      "smoke test 'web/health': 'expectStatus' must be a number or left out, got '200'. Fix it in SmokeTest.http({...}).",
      "smoke test 'web/health': 'attempts' must be a finite number or left out, got NaN. Fix it in SmokeTest.http({...}).",
    ]);
    expect(untyped({ service: null, bodyContains: 3 })).toEqual([
      "smoke test: 'service' must be a string, got null. Fix it in SmokeTest.http({...}).",
      "smoke test: 'path' must be a string, got nothing. Fix it in SmokeTest.http({...}).",
      "smoke test: 'bodyContains' must be a string or left out, got 3. Fix it in SmokeTest.http({...}).",
    ]);
  });
});
