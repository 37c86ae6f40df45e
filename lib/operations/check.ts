import { Agent } from 'node:http';

import { PIPELINE_DEFAULTS } from '../private/defaults';
import { dockerNameOf } from '../schema/delivery-manifest';

import { OperationError, UsageError } from './private/operation-error';
import { Progress } from './private/progress';
import { Project } from './private/project';
import { get, probe } from './private/smoke-probe';

/** What `check` was asked for. */
export interface CheckOptions {
  /** The deployed stack to check. */
  readonly stack: string;
  /**
   * After the smoke tests: this many requests to the first smoke test's path.
   * @default - no load check
   */
  readonly load?: number;
  /** With `load`: requests at a time. @default PIPELINE_DEFAULTS.loadConcurrency */
  readonly concurrency?: number;
  /** With `load`: the 95th percentile's budget. @default PIPELINE_DEFAULTS.loadP95Milliseconds */
  readonly p95Ms?: number;
}

/** A smoke test that passed. */
export interface PassedSmokeTest {
  /** The smoke test, e.g. `GET /cgi-bin/health`. */
  readonly name: string;
  /** The HTTP status it answered with. */
  readonly status: number;
  /** The URL it asked. */
  readonly url: string;
}

/** What a load check measured. */
export interface LoadResult {
  /** The URL every request asked. */
  readonly url: string;
  /** How many requests it sent; every one answered. */
  readonly requests: number;
  /** How many were in flight at once. */
  readonly concurrency: number;
  /** How long they took together. */
  readonly seconds: number;
  /** The median response time. */
  readonly p50Milliseconds: number;
  /** The 95th percentile response time. */
  readonly p95Milliseconds: number;
  /** The slowest response time. */
  readonly maxMilliseconds: number;
}

/** What `Operations.check` found: every smoke test passed (a failure throws), and the load check. */
export interface CheckResult {
  /** The stack checked. */
  readonly stack: string;
  /** Every smoke test, each passed. */
  readonly smokeTests: readonly PassedSmokeTest[];
  /** Present when `load` was asked for. */
  readonly load?: LoadResult;
}

/**
 * The delivery's smoke tests over HTTP against the deployed stack's URLs; then, with `load`, that
 * many requests to the first smoke test's path, which fail the check on any failed request or a
 * 95th percentile above the budget.
 */
export async function check(project: Project, options: CheckOptions): Promise<CheckResult> {
  const out = project.progress('check');
  const { stack, load: requests } = options;
  const alone = [
    options.concurrency !== undefined ? '--concurrency' : undefined,
    options.p95Ms !== undefined ? '--p95-ms' : undefined,
  ].filter((flag) => flag !== undefined);
  if (requests === undefined && alone.length > 0) {
    throw new UsageError(
      `${alone.join(' and ')} ${alone.length === 1 ? 'goes' : 'go'} with --load, which was not given.`,
      `Add the number of requests, e.g. cdktf-pipeline check ${stack} --load 200 ${alone[0]} 10.`,
    );
  }
  const concurrency = options.concurrency ?? PIPELINE_DEFAULTS.loadConcurrency;
  const budget = options.p95Ms ?? PIPELINE_DEFAULTS.loadP95Milliseconds;
  const { tests, stage, target } = await project.synth([stack], ({ delivery }) => ({
    tests: delivery.smokeTests,
    target: delivery.target,
    stage: Project.stage(delivery, stack, 'check'),
  }));
  const outputs = await project.deployedOutputs(stage);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const passed: PassedSmokeTest[] = [];
  try {
    const base = (service: string) => {
      const url = outputs.urls.get(service);
      if (url === undefined) {
        throw new OperationError(
          `stack '${stack}' publishes no URL for service '${service}' (outputs: ${[...outputs.urls.keys()].join(', ') || 'none'}).`,
          'Publish the service (published: true in its definition) and deploy again.',
        );
      }
      return url.replace(/\/$/, '');
    };
    for (const test of tests) {
      const result = await probe(agent, test, base(test.service));
      if (result.failure) {
        throw new OperationError(
          `smoke test ${test.name} of ${stack}: ${result.failure}.`,
          target === 'swarm'
            ? `Read the service's logs: docker service logs ${dockerNameOf(stage)}-${test.service}.`
            : `Read the containers' logs: docker logs ${dockerNameOf(stage)}-${test.service}-0.`,
        );
      }
      out.log(`${stack}: ${test.name} answered ${result.status} (${result.url})`);
      passed.push({ name: test.name, status: result.status, url: result.url });
    }
    if (requests !== undefined) {
      if (tests.length === 0) {
        throw new OperationError(
          `--load needs a smoke test to take its path from, and the delivery has none.`,
          'Add a SmokeTest.http to the delivery, or drop --load.',
        );
      }
      const measured = await load(
        agent,
        out,
        base(tests[0].service) + tests[0].path,
        requests,
        concurrency,
        budget,
      );
      return { stack, smokeTests: passed, load: measured };
    }
    return { stack, smokeTests: passed };
  } finally {
    agent.destroy();
  }
}

async function load(
  agent: Agent,
  out: Progress,
  url: string,
  requests: number,
  concurrency: number,
  p95Budget: number,
): Promise<LoadResult> {
  const timings: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (next < requests) {
      next++;
      const t0 = process.hrtime.bigint();
      const answer = await get(agent, url);
      timings.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (answer.status !== 200) failures.push(String(answer.status || answer.error));
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, requests) }, worker));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  timings.sort((a, b) => a - b);
  const pct = (p: number) =>
    timings[Math.min(timings.length - 1, Math.ceil((p / 100) * timings.length) - 1)];
  const p95 = pct(95);
  out.log(
    `load: ${requests} requests, ${concurrency} at a time, in ${seconds.toFixed(1)}s ` +
      `(${(requests / seconds).toFixed(0)}/s): p50 ${pct(50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, ` +
      `max ${timings[timings.length - 1].toFixed(0)} ms, ${failures.length} failed`,
  );
  if (failures.length > 0) {
    throw new OperationError(
      `load check of ${url}: ${failures.length} of ${requests} requests failed (${[...new Set(failures)].join(', ')}).`,
      "Read the containers' logs; the service drops requests under load.",
    );
  }
  if (p95 > p95Budget) {
    throw new OperationError(
      `load check of ${url}: the 95th percentile is ${p95.toFixed(0)} ms, above the budget of ${p95Budget} ms.`,
      'Find the slow path, or raise p95Milliseconds in the pipeline model if the budget is wrong.',
    );
  }
  return {
    url,
    requests,
    concurrency,
    seconds,
    p50Milliseconds: pct(50),
    p95Milliseconds: p95,
    maxMilliseconds: timings[timings.length - 1],
  };
}
