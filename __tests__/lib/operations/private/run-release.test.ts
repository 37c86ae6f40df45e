import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRelease, releaseId } from '../../../../lib/private/release';
import { sh } from '../../../helpers/cli';
import {
  deliveryProject,
  STAGING_API_DIGEST,
  STAGING_DIGEST,
  stagingRelease,
} from '../../../helpers/delivery-project';
import { PROJECT_ROOT } from '../../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');
const LATER = 'cdcdcdcdcdcd';
const STAGING = stagingRelease(['web', 'api']);
const ID = releaseId(STAGING);
const SHOWN = describeRelease(STAGING);
const RECORD = '# approved releases\n';

let dir: string;
beforeAll(() => (dir = deliveryProject('run-release-', ['web', 'api'])));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => writeFileSync(join(dir, 'approvals', 'prod.txt'), RECORD));

const cli = (...args: string[]) => sh(CLI, args, {}, dir);
const record = () => readFileSync(join(dir, 'approvals', 'prod.txt'), 'utf8');

/**
 * A pipeline run promotes the release it built, and nothing else: `--release` (in CI from
 * $PIPELINE_RELEASE) makes approve and deploy refuse when the upstream stage has moved on.
 */
describe('cdktf-pipeline --release: the run promotes its own release, every image of it', () => {
  test("approve refuses another run's release, naming both, and records nothing", async () => {
    for (const check of [[], ['--check']]) {
      expect(
        await cli('approve', 'prod', '--from', 'staging', '--release', LATER, ...check),
      ).toEqual({
        code: 1,
        output:
          `[approve] error: staging now runs release ${SHOWN}, built by another pipeline run; this run's release ${LATER} was superseded, so prod does not get it.\n` +
          `[approve] fix: Nothing changed in prod. Promote release ${ID} from the pipeline run that built it.\n`,
      });
    }
    expect(record()).toBe(RECORD);
  });

  test("deploy refuses another run's release before it deploys anything", async () => {
    expect(await cli('deploy', 'prod', '--release', LATER)).toEqual({
      code: 1,
      output:
        `[deploy] error: staging now runs release ${SHOWN}, built by another pipeline run; this run's release ${LATER} was superseded, so prod does not get it.\n` +
        `[deploy] fix: Nothing changed in prod. Promote release ${ID} from the pipeline run that built it.\n`,
    });
    expect(existsSync(join(dir, '.pipeline', 'state', 'prod.tfstate'))).toBe(false);
    expect(existsSync(join(dir, '.pipeline', 'logs', 'deploy-prod.log'))).toBe(false);
  });

  test("the run's own release is approved as a whole, every image on one line, and the record is kept for CI", async () => {
    expect(await cli('approve', 'prod', '--from', 'staging', '--release', ID, '--check')).toEqual({
      code: 3,
      output: `[approve] release ${SHOWN} is not approved for prod yet\n`,
    });
    const approved = await cli('approve', 'prod', '--from', 'staging', '--release', ID);
    expect(approved.code).toBe(0);
    const line = record().split('\n')[1];
    expect(line).toMatch(
      new RegExp(
        `^api=${STAGING_API_DIGEST} web=${STAGING_DIGEST} # release ${ID} approved by .+ on \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\dZ: verified by staging$`,
      ),
    );
    expect(approved.output).toBe(
      `[approve] recorded in approvals/prod.txt: ${line}\n` +
        `[approve] approved release ${SHOWN} for prod; commit approvals/prod.txt (a copy is in .pipeline/approvals/prod.txt), then deploy prod\n`,
    );
    expect(readFileSync(join(dir, '.pipeline', 'approvals', 'prod.txt'), 'utf8')).toBe(record());
    expect(await cli('approve', 'prod', '--from', 'staging', '--release', ID, '--check')).toEqual({
      code: 0,
      output: `[approve] release ${SHOWN} is already approved for prod\n`,
    });
  });

  test('a release named by the id that status shows, or by every image, is the one staging verified', async () => {
    const byId = await cli('approve', 'prod', ID, 'looked at it');
    expect(byId.code).toBe(0);
    expect(record().split('\n')[1]).toMatch(
      new RegExp(
        `^api=${STAGING_API_DIGEST} web=${STAGING_DIGEST} # release ${ID} approved by .+: looked at it$`,
      ),
    );
    expect(await cli('approve', 'prod', `web=${STAGING_DIGEST},api=${STAGING_API_DIGEST}`)).toEqual(
      { code: 0, output: `[approve] release ${SHOWN} is already approved for prod\n` },
    );
  });

  test('each digest may be given by its first 12 or more hex digits, when one known digest of that image starts so', async () => {
    const short = (digest: string, digits: number) => digest.slice(0, 'sha256:'.length + digits);
    const approved = await cli(
      'approve',
      'prod',
      `web=${short(STAGING_DIGEST, 12)},api=${short(STAGING_API_DIGEST, 20)}`,
    );
    expect(approved.code).toBe(0);
    // The record holds every digest whole, as staging verified it.
    expect(record().split('\n')[1]).toMatch(
      new RegExp(`^api=${STAGING_API_DIGEST} web=${STAGING_DIGEST} # release ${ID} approved by `),
    );
    expect(
      await cli(
        'approve',
        'prod',
        `web=sha256:${'0'.repeat(12)},api=${short(STAGING_API_DIGEST, 12)}`,
      ),
    ).toEqual({
      code: 64,
      output:
        '[approve] error: no release that a stage verified or the history holds has a digest of image web that starts with sha256:000000000000.\n' +
        '[approve] fix: Give more of the digest, or all of it (sha256: and 64 hex digits); cdktf-pipeline history --digest sha256:000000000000 lists the releases with it.\n',
    });
    expect(await cli('approve', 'prod', `web=sha256:${'a'.repeat(11)}`)).toMatchObject({
      code: 64,
    });
  });

  test('a release the CLI cannot make out of what it is given is refused, and nothing is recorded', async () => {
    expect(await cli('approve', 'prod', STAGING_DIGEST)).toEqual({
      code: 64,
      output:
        '[approve] error: a release of this delivery has 2 images (api, web); a digest names one of them.\n' +
        '[approve] fix: Name the release by its id (cdktf-pipeline status shows it), or give every image: api=sha256:…,web=sha256:….\n',
    });
    expect(await cli('approve', 'prod', `web=${STAGING_DIGEST}`)).toEqual({
      code: 64,
      output:
        '[approve] error: the release names the images web, but a release of this delivery has api, web.\n' +
        '[approve] fix: Give every image once: api=sha256:…,web=sha256:….\n',
    });
    expect(await cli('approve', 'prod', LATER)).toEqual({
      code: 1,
      output:
        `[approve] error: no stage has verified release ${LATER}, and the history has no deploy of it.\n` +
        '[approve] fix: Check the id (cdktf-pipeline status and history show releases), or give every image: cdktf-pipeline approve prod api=sha256:…,web=sha256:….\n',
    });
    expect(await cli('approve', 'prod', 'web=latest')).toEqual({
      code: 64,
      output:
        "[approve] error: command-argument value 'web=latest' is invalid for argument 'release'. It must be a release id (12 hex digits, as status shows it), every image as 'name=sha256:<hex digits>' separated by commas (12 or more digits of each digest), or the digest of a delivery's one image. Or approve what a stage verified: --from STAGE.\n" +
        '[approve] fix: Nothing was done. cdktf-pipeline approve --help shows what it takes.\n',
    });
    expect(record()).toBe(RECORD);
  });

  test('a release of other images than the delivery has (verified before its images changed) is refused', async () => {
    const state = join(dir, '.pipeline', 'state', 'staging.tfstate');
    const before = readFileSync(state, 'utf8');
    const old = { app: `127.0.0.1:5000/app@${STAGING_DIGEST}` };
    writeFileSync(state, JSON.stringify({ outputs: { verified_release: { value: old } } }));
    try {
      expect(await cli('approve', 'prod', '--from', 'staging')).toEqual({
        code: 1,
        output:
          `[approve] error: release ${releaseId(old)} has the images app, but a release of this delivery has api, web.\n` +
          '[approve] fix: Deploy the stages again from the image stage, then approve the release they verify.\n',
      });
    } finally {
      writeFileSync(state, before);
    }
    expect(record()).toBe(RECORD);
  });

  test('bad --release values and misplaced options', async () => {
    expect(await cli('deploy', 'prod', '--release', '')).toEqual({
      code: 64,
      output:
        "[deploy] error: option '--release <id>' argument '' is invalid. It must be a release id, 12 hex digits. In CI the value comes from the image job (PIPELINE_RELEASE): make the job need it. By hand, copy the release the image deploy reported.\n" +
        '[deploy] fix: Nothing was done. cdktf-pipeline deploy --help shows what it takes.\n',
    });
    expect(await cli('deploy', 'image', '--release', LATER)).toEqual({
      code: 64,
      output:
        "[deploy] error: --release applies to stages that promote an upstream's release; 'image' builds it.\n" +
        '[deploy] fix: Deploy image without --release.\n',
    });
    expect(await cli('approve', 'prod', LATER, '--release', LATER)).toEqual({
      code: 64,
      output:
        '[approve] error: --release goes with --from STAGE.\n' +
        '[approve] fix: Run e.g. cdktf-pipeline approve prod --from staging --release 0123456789ab.\n',
    });
    expect(await cli('approve', 'prod', LATER, '--from', 'staging')).toEqual({
      code: 64,
      output:
        '[approve] error: approve prod takes a release or --from staging, not both.\n' +
        '[approve] fix: Give the release id that status or the deploy reported (cdktf-pipeline approve prod 0123456789ab), or approve what a stage verified (cdktf-pipeline approve prod --from staging).\n',
    });
  });
});
