/**
 * Post-deployment tests against a deployed stack (run by scripts/check): the delivery's smoke
 * tests over HTTP, then, with --load, a short load check of the first smoke test's path that
 * fails on any failed request or a 95th percentile above the budget.
 */
import { Agent, request } from 'node:http';

import { PIPELINE_DEFAULTS } from '../lib/private/defaults';
import { PROJECT_ROOT } from '../lib/private/paths';
import { readStackOutputs } from '../lib/private/stack-outputs';
import { SMOKE_TESTS } from '../stacks/delivery';

interface Answer {
  readonly status: number;
  readonly body: string;
  readonly error?: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function get(url: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request(url, { agent, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (e) => resolve({ status: 0, body: '', error: e.message }));
    req.on('timeout', () => req.destroy(new Error('no answer within 10s')));
    req.end();
  });
}

function fail(message: string, fix: string): never {
  console.error(`[check] error: ${message}\n[check] fix: ${fix}`);
  process.exit(1);
}

function option(args: string[], name: string): number | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = Number(args[i + 1]);
  if (!Number.isInteger(value) || value < 1) {
    fail(
      `${name} must be a whole number of at least 1, got '${args[i + 1] ?? ''}'.`,
      `Write e.g. ${name} 10.`,
    );
  }
  return value;
}

/** The URLs a stack published (`<service>_url` outputs), read from its state. */
function publishedUrls(stack: string): ReadonlyMap<string, string> {
  const outputs = readStackOutputs(PROJECT_ROOT, stack);
  if (!outputs) {
    fail(
      `stack '${stack}' has not been deployed here (no state at .pipeline/state/${stack}.tfstate).`,
      `Deploy it first: npm run deploy -- ${stack}.`,
    );
  }
  return outputs.urls;
}

async function smoke(stack: string, urls: ReadonlyMap<string, string>): Promise<void> {
  for (const test of SMOKE_TESTS) {
    const base = urls.get(test.service)?.replace(/\/$/, '');
    if (base === undefined) {
      fail(
        `stack '${stack}' publishes no URL for service '${test.service}' (outputs: ${[...urls.keys()].join(', ') || 'none'}).`,
        'Publish the service (published: true in stacks/delivery.ts) and deploy again.',
      );
    }
    const url = base + test.path;
    const answer = await get(url);
    const ok =
      answer.status === test.expectStatus &&
      (test.bodyContains === undefined || answer.body.includes(test.bodyContains));
    if (!ok) {
      fail(
        `smoke test ${test.name} of ${stack}: GET ${url} answered ${answer.status || answer.error}` +
          `${answer.body ? ` with '${answer.body.trim().slice(0, 200)}'` : ''}; expected ${test.expectStatus}` +
          `${test.bodyContains ? ` and a body containing '${test.bodyContains}'` : ''}.`,
        `Read the containers' logs: docker logs ${stack}-${test.service}-0.`,
      );
    }
    console.log(`[check] ${stack}: ${test.name} answered ${answer.status} (${url})`);
  }
}

async function load(
  url: string,
  requests: number,
  concurrency: number,
  p95Budget: number,
): Promise<void> {
  const timings: number[] = [];
  const failures: string[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  async function worker(): Promise<void> {
    while (next < requests) {
      next++;
      const t0 = process.hrtime.bigint();
      const answer = await get(url);
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
  console.log(
    `[check] load: ${requests} requests, ${concurrency} at a time, in ${seconds.toFixed(1)}s ` +
      `(${(requests / seconds).toFixed(0)}/s): p50 ${pct(50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms, ` +
      `max ${timings[timings.length - 1].toFixed(0)} ms, ${failures.length} failed`,
  );
  if (failures.length > 0) {
    fail(
      `load check of ${url}: ${failures.length} of ${requests} requests failed (${[...new Set(failures)].join(', ')}).`,
      "Read the containers' logs; the service drops requests under load.",
    );
  }
  if (p95 > p95Budget) {
    fail(
      `load check of ${url}: the 95th percentile is ${p95.toFixed(0)} ms, above the budget of ${p95Budget} ms.`,
      'Find the slow path, or raise p95Milliseconds in the pipeline model if the budget is wrong.',
    );
  }
}

async function main(args: string[]): Promise<void> {
  const stack = args[0];
  if (!stack || stack.startsWith('-')) {
    fail(
      'name the stack to check.',
      'Run e.g. scripts/check dev, or scripts/check prod --load 200.',
    );
  }
  const urls = publishedUrls(stack);
  await smoke(stack, urls);
  const requests = option(args, '--load');
  if (requests !== undefined) {
    const first = SMOKE_TESTS[0];
    await load(
      `${(urls.get(first.service) ?? '').replace(/\/$/, '')}${first.path}`,
      requests,
      option(args, '--concurrency') ?? PIPELINE_DEFAULTS.loadConcurrency,
      option(args, '--p95-ms') ?? PIPELINE_DEFAULTS.loadP95Milliseconds,
    );
  }
  agent.destroy();
}

void main(process.argv.slice(3));
