import { Agent, request } from 'node:http';

import { SmokeTestManifest } from '../../schema/delivery-manifest';

/** An HTTP answer, or the error of a request that got none. */
export interface Answer {
  readonly status: number;
  readonly body: string;
  readonly error?: string;
}

/** GET `url`, waiting up to 10 s for the answer; never rejects. */
export function get(agent: Agent, url: string): Promise<Answer> {
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

/** One smoke test's result: the URL it called, and what was wrong (undefined: it passed). */
export interface ProbeResult {
  readonly test: SmokeTestManifest;
  readonly url: string;
  readonly status: number;
  readonly failure?: string;
}

/** Runs one smoke test against `base` (a service's URL). */
export async function probe(
  agent: Agent,
  test: SmokeTestManifest,
  base: string,
): Promise<ProbeResult> {
  const url = base.replace(/\/$/, '') + test.path;
  const answer = await get(agent, url);
  const ok =
    answer.status === test.expectStatus &&
    (test.bodyContains === undefined || answer.body.includes(test.bodyContains));
  return {
    test,
    url,
    status: answer.status,
    ...(ok
      ? {}
      : {
          failure:
            `GET ${url} answered ${answer.status || answer.error}` +
            `${answer.body ? ` with '${answer.body.trim().slice(0, 200)}'` : ''}; expected ${test.expectStatus}` +
            `${test.bodyContains ? ` and a body containing '${test.bodyContains}'` : ''}`,
        }),
  };
}
