import { Fn, TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

import { DEFAULTS } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';

import { HTTP_PROBE_SCRIPT, terraformLiteral } from './private/http-probe';
import { TerraformData } from './private/terraform-data';

/** Options of an HTTP smoke test. */
export interface HttpSmokeTestOptions {
  /** The published service to request, by name. */
  readonly service: string;
  /** Request path, starting with '/'. */
  readonly path: string;
  /**
   * Name shown in messages.
   * @default - `<service><path>`
   */
  readonly name?: string;
  /**
   * Expected HTTP status.
   * @default 200
   */
  readonly expectStatus?: number;
  /**
   * Text the response body must contain.
   * @default - any body
   */
  readonly bodyContains?: string;
  /**
   * Requests before the test fails.
   * @default 20
   */
  readonly attempts?: number;
  /**
   * Seconds between requests.
   * @default 1
   */
  readonly intervalSeconds?: number;
  /**
   * Overall time limit in seconds.
   * @default 60
   */
  readonly timeoutSeconds?: number;
}

/** Where a smoke test runs: the base URL of each published service, and what re-runs it. */
export interface SmokeTestTarget {
  /** Base URL (`http://127.0.0.1:<port>`) per published service name. */
  readonly baseUrls: { readonly [service: string]: string };
  /** Values whose change re-runs the test (image, container IDs, config). */
  readonly triggers: { readonly [name: string]: string };
}

/** What the options of an HTTP smoke test are made of. */
const HTTP_SMOKE_TEST_OPTIONS = shape.object({
  service: shape.string,
  path: shape.string,
  name: shape.optional(shape.string),
  expectStatus: shape.optional(shape.number),
  bodyContains: shape.optional(shape.string),
  attempts: shape.optional(shape.number),
  intervalSeconds: shape.optional(shape.number),
  timeoutSeconds: shape.optional(shape.number),
});

/**
 * A post-deployment check, run by the engine after the services are up, on every deploy that
 * changes the image or the configuration. A failing check fails the deploy.
 */
export class SmokeTest {
  /** Requests `path` on a published service until it answers as expected. */
  public static http(options: HttpSmokeTestOptions): SmokeTest {
    return new SmokeTest(options);
  }

  /** Name shown in messages. */
  public readonly name: string;
  /** The service the test requests. */
  public readonly service: string;
  /** The path requested. */
  public readonly path: string;
  /** The status the answer must have. */
  public readonly expectStatus: number;
  /** Text the answer's body must contain, if any. */
  public readonly bodyContains?: string;
  private readonly options: HttpSmokeTestOptions;

  private constructor(options: HttpSmokeTestOptions) {
    const { service, path } = (options ?? {}) as { service?: unknown; path?: unknown };
    assertShape(
      typeof service === 'string' && typeof path === 'string'
        ? `smoke test '${service}${path}'`
        : 'smoke test',
      options,
      HTTP_SMOKE_TEST_OPTIONS,
      'Fix it in SmokeTest.http({...}).',
      'options',
    );
    this.options = options;
    this.service = options.service;
    this.path = options.path;
    this.expectStatus = options.expectStatus ?? DEFAULTS.smokeTestStatus;
    this.bodyContains = options.bodyContains;
    this.name = options.name ?? `${options.service}${options.path}`;
    validate(this.name, options);
  }

  /** Renders the test against a target; returns the resource that passes only when it passes. */
  public bind(scope: Construct, id: string, target: SmokeTestTarget): TerraformResource {
    const baseUrl = target.baseUrls[this.service];
    if (baseUrl === undefined) {
      throw new ConfigurationError([
        invalidValue(
          `smoke test '${this.name}'`,
          'service',
          `must name a published service (${Object.keys(target.baseUrls).join(', ') || 'none'})`,
          this.service,
          'Publish that service (publishedPort) or test another one.',
        ),
      ]);
    }
    const test = new TerraformData(scope, id, { triggersReplace: target.triggers });
    test.addOverride('provisioner', [
      {
        'local-exec': {
          command: terraformLiteral(HTTP_PROBE_SCRIPT),
          environment: {
            NAME: this.name,
            URL: Fn.join('', [baseUrl, this.options.path]),
            EXPECT_STATUS: String(this.options.expectStatus ?? DEFAULTS.smokeTestStatus),
            BODY_CONTAINS: this.options.bodyContains ?? '',
            ATTEMPTS: String(this.options.attempts ?? DEFAULTS.smokeTestAttempts),
            INTERVAL: String(this.options.intervalSeconds ?? DEFAULTS.smokeTestIntervalSeconds),
            TIMEOUT: String(this.options.timeoutSeconds ?? DEFAULTS.smokeTestTimeoutSeconds),
          },
        },
      },
    ]);
    return test;
  }
}

function validate(name: string, o: HttpSmokeTestOptions): void {
  const problems: string[] = [];
  const subject = `smoke test '${name}'`;
  if (!o.path.startsWith('/')) {
    problems.push(
      invalidValue(subject, 'path', "must start with '/'", o.path, `Use '/${o.path}'.`),
    );
  }
  const whole = (field: string, value: number | undefined, min: number, max: number) => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      problems.push(
        invalidValue(
          subject,
          field,
          `must be a whole number from ${min} to ${max}`,
          value,
          `Set ${field} within that range.`,
        ),
      );
    }
  };
  whole('expectStatus', o.expectStatus, 100, 599);
  whole('attempts', o.attempts, 1, 1000);
  whole('intervalSeconds', o.intervalSeconds, 0, 300);
  whole('timeoutSeconds', o.timeoutSeconds, 1, 3600);
  if (problems.length > 0) throw new ConfigurationError(problems);
}
