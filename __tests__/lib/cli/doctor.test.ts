import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { sh } from '../../helpers/cli';
import { deliveryProject } from '../../helpers/delivery-project';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');

let dir: string;
beforeAll(() => (dir = deliveryProject('doctor-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a deploy needs, on this machine as set up for the tests (Docker, the mirror, the registry). */
describe('cdktf-pipeline doctor', () => {
  test('passes where a deploy can run: Docker, the engine and which it is, the provider, the registry', async () => {
    const result = await sh(CLI, ['doctor'], {}, dir);
    expect(result.code).toBe(0);
    expect(result.output.split('\n')).toEqual([
      expect.stringMatching(
        /^\[doctor\] ok {3}docker: Docker \S+ at unix:\/\/\/var\/run\/docker\.sock$/,
      ),
      expect.stringMatching(
        /^\[doctor\] ok {3}engine: OpenTofu v[\d.]+ \(\S+: TERRAFORM_BINARY_NAME\)$/,
      ),
      expect.stringMatching(
        /^\[doctor\] ok {3}provider: kreuzwerker\/docker [\d.]+ \(>= 3\.6\.2, < 5\.0\.0\)$/,
      ),
      '[doctor] ok   registry: 127.0.0.1:5000 answers (HTTP 200)',
      '',
    ]);
  });

  test('with Docker out of reach, it names Docker and the fix, and exits 1', async () => {
    const result = await sh(
      CLI,
      ['doctor', '--json'],
      { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
      dir,
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      '[doctor] FAIL docker: the Docker host at unix:///nonexistent/docker.sock does not answer. Fix: Start Docker, or point DOCKER_HOST at a Docker host that runs; the docker client must be on the PATH.\n',
    );
    const json = JSON.parse(result.output.slice(0, result.output.lastIndexOf('}') + 1)) as {
      ok: boolean;
      checks: { check: string; ok: boolean }[];
    };
    expect(json.ok).toBe(false);
    expect(json.checks.map((c) => [c.check, c.ok])).toEqual([
      ['docker', false],
      ['engine', true],
      ['provider', true],
      ['registry', true],
    ]);
  });
});
