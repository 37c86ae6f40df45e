import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { sh } from '../../helpers/cli';
import { deliveryProject, STAGING_DIGEST } from '../../helpers/delivery-project';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');
const LATER = `sha256:${'cd'.repeat(32)}`;

let dir: string;
beforeAll(() => (dir = deliveryProject('run-digest-')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (...args: string[]) => sh(CLI, args, {}, dir);

/**
 * A pipeline run promotes the digest it built, and nothing else: `--digest` (in CI from
 * $PIPELINE_IMAGE_DIGEST) makes approve and deploy refuse when the upstream stage has moved on.
 */
describe('cdktf-pipeline --digest: the run promotes its own digest', () => {
  test("approve refuses another run's digest, naming both, and records nothing", async () => {
    for (const check of [[], ['--check']]) {
      expect(
        await cli('approve', 'prod', '--from', 'staging', '--digest', LATER, ...check),
      ).toEqual({
        code: 1,
        output:
          `[approve] error: staging now runs ${STAGING_DIGEST}, built by another pipeline run; this run's ${LATER} was superseded, so prod does not get it.\n` +
          `[approve] fix: Nothing changed in prod. Promote ${STAGING_DIGEST} from the pipeline run that built it.\n`,
      });
    }
    expect(readFileSync(join(dir, 'approvals', 'prod.txt'), 'utf8')).toBe('# approved digests\n');
  });

  test("deploy refuses another run's digest before it deploys anything", async () => {
    expect(await cli('deploy', 'prod', '--digest', LATER)).toEqual({
      code: 1,
      output:
        `[deploy] error: staging now runs ${STAGING_DIGEST}, built by another pipeline run; this run's ${LATER} was superseded, so prod does not get it.\n` +
        `[deploy] fix: Nothing changed in prod. Promote ${STAGING_DIGEST} from the pipeline run that built it.\n`,
    });
    expect(existsSync(join(dir, '.pipeline', 'state', 'prod.tfstate'))).toBe(false);
    expect(existsSync(join(dir, '.pipeline', 'logs', 'deploy-prod.log'))).toBe(false);
  });

  test("the run's own digest is approved, and the record is kept for CI", async () => {
    expect(
      await cli('approve', 'prod', '--from', 'staging', '--digest', STAGING_DIGEST, '--check'),
    ).toEqual({ code: 3, output: `[approve] ${STAGING_DIGEST} is not approved for prod yet\n` });
    const approved = await cli('approve', 'prod', '--from', 'staging', '--digest', STAGING_DIGEST);
    expect(approved.code).toBe(0);
    const record = readFileSync(join(dir, 'approvals', 'prod.txt'), 'utf8');
    const line = record.split('\n')[1];
    expect(line).toMatch(
      new RegExp(
        `^${STAGING_DIGEST} # approved by .+ on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ: verified by staging$`,
      ),
    );
    expect(approved.output).toBe(
      `[approve] recorded in approvals/prod.txt: ${line}\n` +
        `[approve] approved ${STAGING_DIGEST} for prod; commit approvals/prod.txt (a copy is in .pipeline/approvals/prod.txt), then deploy prod\n`,
    );
    expect(readFileSync(join(dir, '.pipeline', 'approvals', 'prod.txt'), 'utf8')).toBe(record);
  });

  test('bad --digest values and misplaced options', async () => {
    expect(await cli('deploy', 'prod', '--digest', '')).toEqual({
      code: 64,
      output:
        "[deploy] error: option '--digest <digest>' argument '' is invalid. It must be 'sha256:' and 64 hex digits. In CI the value comes from the image job (PIPELINE_IMAGE_DIGEST): make the job need it. By hand, copy the digest the image deploy reported.\n" +
        '[deploy] fix: Nothing was done. cdktf-pipeline deploy --help shows what it takes.\n',
    });
    expect(await cli('deploy', 'image', '--digest', LATER)).toEqual({
      code: 64,
      output:
        "[deploy] error: --digest applies to stages that promote an upstream's digest; 'image' builds it.\n" +
        '[deploy] fix: Deploy image without --digest.\n',
    });
    expect(await cli('approve', 'prod', LATER, '--digest', LATER)).toEqual({
      code: 64,
      output:
        '[approve] error: --digest goes with --from STAGE.\n' +
        '[approve] fix: Run e.g. cdktf-pipeline approve prod --from staging --digest sha256:….\n',
    });
    expect(await cli('approve', 'prod', LATER, '--from', 'staging')).toEqual({
      code: 64,
      output:
        `[approve] error: approve prod takes the digest ${LATER} or --from staging, not both.\n` +
        '[approve] fix: Give the digest the deploy reported (cdktf-pipeline approve prod sha256:…), or approve what a stage verified (cdktf-pipeline approve prod --from staging).\n',
    });
  });
});
