import { execFile } from 'node:child_process';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

import { SmokeTest } from '../../../lib';
import { resources, testStack } from '../../helpers/test-app';

type Exec = { command: string; environment: Record<string, string> };

function bound(test: SmokeTest): { exec: Exec; triggers: unknown } {
  const stack = testStack();
  test.bind(stack, 'Smoke', {
    baseUrls: { web: 'http://127.0.0.1:9000' },
    triggers: { image: 'i' },
  });
  const [resource] = resources(stack, 'terraform_data');
  return {
    exec: (resource.provisioner as { 'local-exec': Exec }[])[0]['local-exec'],
    triggers: resource.triggers_replace,
  };
}

describe('SmokeTest.http', () => {
  test('defaults: status 200, any body, 20 attempts 1 s apart, 60 s overall, named service + path', () => {
    const test = SmokeTest.http({ service: 'web', path: '/health' });
    expect(test.name).toBe('web/health');
    const { exec, triggers } = bound(test);
    // The probe is inlined: no path of this machine's or of the package's reaches the engine.
    expect(exec.command).toMatch(/^body=\$\(mktemp\)\n/);
    expect(exec.command).not.toMatch(/\/(work|tmp|root|home)\//);
    expect(exec.environment).toEqual({
      NAME: 'web/health',
      URL: '${join("", ["http://127.0.0.1:9000", "/health"])}',
      EXPECT_STATUS: '200',
      BODY_CONTAINS: '',
      ATTEMPTS: '20',
      INTERVAL: '1',
      TIMEOUT: '60',
    });
    expect(triggers).toEqual({ image: 'i' });
  });

  test('options override the defaults', () => {
    const { exec } = bound(
      SmokeTest.http({
        service: 'web',
        path: '/',
        name: 'home',
        expectStatus: 204,
        bodyContains: 'ok',
        attempts: 3,
        intervalSeconds: 2,
        timeoutSeconds: 9,
      }),
    );
    expect(exec.environment).toMatchObject({
      NAME: 'home',
      EXPECT_STATUS: '204',
      BODY_CONTAINS: 'ok',
      ATTEMPTS: '3',
      INTERVAL: '2',
      TIMEOUT: '9',
    });
  });
});

describe('the HTTP probe the smoke test runs', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/ok') res.writeHead(200).end('all good');
      else res.writeHead(503).end('down for maintenance');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /**
   * The command as the engine runs it: the synthesized string with Terraform's template escapes
   * (`$${`, `%%{`) read back, run by `sh -c` as local-exec does.
   */
  const command = bound(SmokeTest.http({ service: 'web', path: '/' }))
    .exec.command.replace(/\$\$\{/g, '${')
    .replace(/%%\{/g, '%{');

  test('every template sequence in the synthesized command is escaped for the engine', () => {
    const raw = bound(SmokeTest.http({ service: 'web', path: '/' })).exec.command;
    expect(raw.replace(/\$\$\{|%%\{/g, '')).not.toMatch(/\$\{|%\{/);
    expect(raw).toContain("-w '%%{http_code}'");
  });

  function probe(
    env: Record<string, string>,
  ): Promise<{ code: number; stdout: string; stderr: string }> {
    const defaults = {
      NAME: 'probe',
      EXPECT_STATUS: '200',
      BODY_CONTAINS: '',
      ATTEMPTS: '2',
      INTERVAL: '0',
      TIMEOUT: '10',
    };
    return new Promise((resolve) =>
      execFile(
        'sh',
        ['-c', command],
        { env: { ...process.env, ...defaults, ...env } },
        (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
  }

  test('passes when status and body match', async () => {
    const result = await probe({ URL: `${base}/ok`, BODY_CONTAINS: 'good' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `smoke test 'probe' passed: GET ${base}/ok answered 200 (attempt 1)\n`,
    );
  });

  test('fails naming the URL, the expected and the received status and body', async () => {
    const result = await probe({ URL: `${base}/down` });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^smoke test 'probe' failed: GET ${base}/down expected status 200; received status 503, body: down for maintenance \\(after 2 attempts in \\d+s\\)\\n$`,
      ),
    );
  });

  test('fails when the body lacks the expected text', async () => {
    const result = await probe({ URL: `${base}/ok`, BODY_CONTAINS: 'version 2' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^smoke test 'probe' failed: GET ${base}/ok expected status 200 and a body containing 'version 2'; received status 200, body: all good \\(after 2 attempts in \\d+s\\)\\n$`,
      ),
    );
  });

  test('fails when nothing answers', async () => {
    const result = await probe({ URL: 'http://127.0.0.1:1/' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^smoke test 'probe' failed: GET http:\/\/127\.0\.0\.1:1\/ expected status 200; received status 000, body: no HTTP answer \(after 2 attempts in \d+s\)\n$/,
    );
  });
});
