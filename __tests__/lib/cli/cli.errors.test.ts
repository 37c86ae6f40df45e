import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sh } from '../../helpers/cli';

/** This checkout's CLI, as `npx cdktf-pipeline` runs it in a project that installed the package. */
const cli = (...args: string[]) => sh('node_modules/.bin/cdktf-pipeline', args);
/** A folder whose name ends in .html, where a report file cannot go. */
const FOLDER = join(mkdtempSync(join(tmpdir(), 'cli-errors-')), 'report.html');
mkdirSync(FOLDER);

/** Bad input stops a command before it does anything, with the problem and the fix. */
describe('cdktf-pipeline, bad input', () => {
  test('check without a stack', async () => {
    expect(await cli('check')).toEqual({
      code: 64,
      output:
        "[check] error: missing required argument 'stack'.\n" +
        '[check] fix: Nothing was done. cdktf-pipeline check --help shows what it takes.\n',
    });
  });

  test.each([
    [
      'an option drift does not have',
      ['--all'],
      "[drift] error: unknown option '--all'.\n[drift] fix: Nothing was done. cdktf-pipeline drift --help shows what it takes.\n",
      64,
    ],
    [
      'drift of the image stage',
      ['image'],
      "[drift] error: 'image' is the image stage: it runs nothing that can drift.\n[drift] fix: Name environments, e.g. cdktf-pipeline drift dev.\n",
      64,
    ],
    [
      'drift of an environment never deployed',
      ['review-never'],
      '[drift] error: review-never is not deployed: there is nothing to compare.\n[drift] fix: Deploy it first: cdktf-pipeline deploy review-never.\n',
      1,
    ],
    [
      'drift of a stack the app does not have',
      ['nope'],
      "[drift] error: the app has no stack 'nope' (stacks: image, dev, staging, prod).\n[drift] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline drift dev.\n",
      64,
    ],
  ])('%s', async (_, args, output, code) => {
    expect(await cli('drift', ...args)).toEqual({ code, output });
  });

  test.each([
    [
      'status with an option it does not have',
      ['status', '--all'],
      "[status] error: unknown option '--all'.\n[status] fix: Nothing was done. cdktf-pipeline status --help shows what it takes.\n",
      64,
    ],
    [
      'status of one environment',
      ['status', 'dev'],
      "[status] error: too many arguments for 'status'. Expected 0 arguments but got 1.\n[status] fix: Nothing was done. cdktf-pipeline status --help shows what it takes.\n",
      64,
    ],
    [
      'status as JSON and Markdown at once',
      ['status', '--json', '--markdown'],
      "[status] error: option '--json' cannot be used with option '--markdown'.\n[status] fix: Nothing was done. cdktf-pipeline status --help shows what it takes.\n",
      64,
    ],
    [
      'status with a report that is not an HTML file',
      ['status', '--html', 'main.ts'],
      "[status] error: option '--html <file>' argument 'main.ts' is invalid. It must be a file name ending in .html, e.g. --html status.html.\n[status] fix: Nothing was done. cdktf-pipeline status --help shows what it takes.\n",
      64,
    ],
    [
      'status with a report that is a folder',
      ['status', '--html', FOLDER],
      `[status] error: option '--html <file>' argument '${FOLDER}' is invalid. It is a folder: name a file in it, e.g. --html reports/status.html.\n[status] fix: Nothing was done. cdktf-pipeline status --help shows what it takes.\n`,
      64,
    ],
    [
      'history of a digest with a line break in it: the error stays one line',
      ['history', '--digest', 'sha256:0123\n456789ab'],
      "[history] error: option '--digest <digest>' argument 'sha256:0123\\n456789ab' is invalid. It must be 'sha256:' and at least 12 hex digits, e.g. sha256:0123456789ab.\n[history] fix: Nothing was done. cdktf-pipeline history --help shows what it takes.\n",
      64,
    ],
    [
      'history of a malformed digest',
      ['history', '--digest', 'abc'],
      "[history] error: option '--digest <digest>' argument 'abc' is invalid. It must be 'sha256:' and at least 12 hex digits, e.g. sha256:0123456789ab.\n[history] fix: Nothing was done. cdktf-pipeline history --help shows what it takes.\n",
      64,
    ],
    [
      'history with --digest and no digest',
      ['history', '--digest'],
      "[history] error: option '--digest <digest>' argument missing.\n[history] fix: Nothing was done. cdktf-pipeline history --help shows what it takes.\n",
      64,
    ],
    [
      'history with an option it does not have',
      ['history', '--since', 'monday'],
      "[history] error: unknown option '--since'.\n[history] fix: Nothing was done. cdktf-pipeline history --help shows what it takes.\n",
      64,
    ],
    [
      'history of the image stage',
      ['history', 'image'],
      "[history] error: 'image' is the image stage: the history records deploys of environments.\n[history] fix: Name environments, e.g. cdktf-pipeline history dev.\n",
      64,
    ],
    [
      'history of a stack the app does not have',
      ['history', 'nope'],
      "[history] error: the app has no stack 'nope' (stacks: image, dev, staging, prod).\n[history] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline history dev.\n",
      64,
    ],
  ])('%s', async (_, args, output, code) => {
    expect(await cli(...args)).toEqual({ code, output });
  });

  test('check of a stack the app does not have', async () => {
    expect(await cli('check', 'never-deployed')).toEqual({
      code: 64,
      output:
        "[check] error: the app has no stack 'never-deployed' (stacks: image, dev, staging, prod).\n" +
        '[check] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline check dev.\n',
    });
  });

  test('check of a review environment that was never deployed', async () => {
    expect(await cli('check', 'review-never')).toEqual({
      code: 1,
      output:
        "[check] error: stack 'review-never' has not been deployed here (no state at .pipeline/state/review-never.tfstate).\n" +
        '[check] fix: Deploy it first: cdktf-pipeline deploy review-never.\n',
    });
  });

  test('check with a load that is not a number, and a concurrency without a load', async () => {
    expect(await cli('check', 'dev', '--load', 'many')).toEqual({
      code: 64,
      output:
        "[check] error: option '--load <requests>' argument 'many' is invalid. It must be a whole number of at least 1, e.g. --load 10.\n" +
        '[check] fix: Nothing was done. cdktf-pipeline check --help shows what it takes.\n',
    });
    expect(await cli('check', 'dev', '--concurrency', '3', '--p95-ms', '200')).toEqual({
      code: 64,
      output:
        '[check] error: --concurrency and --p95-ms go with --load, which was not given.\n' +
        '[check] fix: Add the number of requests, e.g. cdktf-pipeline check dev --load 200 --concurrency 10.\n',
    });
  });

  test('approve --from a stage that verified nothing here', async () => {
    expect(await cli('approve', 'prod', '--from', 'review-never')).toEqual({
      code: 1,
      output:
        "[approve] error: stage 'review-never' has not been deployed here (no state at .pipeline/state/review-never.tfstate), so it has verified no release.\n" +
        '[approve] fix: Deploy it first: cdktf-pipeline deploy review-never.\n',
    });
  });

  test('approve of a malformed release, and for an environment without an approval record', async () => {
    expect(await cli('approve', 'prod', 'sha256:00')).toEqual({
      code: 64,
      output:
        "[approve] error: command-argument value 'sha256:00' is invalid for argument 'release'. It must be a release id (12 hex digits, as status shows it), every image as 'name=sha256:<hex digits>' separated by commas (12 or more digits of each digest), or the digest of a delivery's one image. Or approve what a stage verified: --from STAGE.\n" +
        '[approve] fix: Nothing was done. cdktf-pipeline approve --help shows what it takes.\n',
    });
    expect(await cli('approve', 'dev', `sha256:${'0'.repeat(64)}`)).toEqual({
      code: 1,
      output:
        "[approve] error: environment 'dev' does not require approval (it has no approval record).\n" +
        "[approve] fix: Check the environment name; environments that require approval use Approval.required('<record file>').\n",
    });
  });

  test('ansible with a playbook that does not exist', async () => {
    expect(await cli('ansible', 'dev', 'ansible/nope.yml')).toEqual({
      code: 64,
      output:
        "[ansible] error: playbook 'ansible/nope.yml' does not exist.\n" +
        '[ansible] fix: Give its path from the project root, e.g. ansible/register-endpoints.yml.\n',
    });
  });

  test('expire-reviews with a time to live it cannot read', async () => {
    expect(await cli('expire-reviews', 'soon')).toEqual({
      code: 64,
      output:
        "[expire-reviews] error: command-argument value 'soon' is invalid for argument 'ttl'. It must be a number and a unit (minutes, hours, days, weeks), like '3 days' or '12 hours'.\n" +
        '[expire-reviews] fix: Nothing was done. cdktf-pipeline expire-reviews --help shows what it takes.\n',
    });
  });

  test('destroy without a stack, and deploy of a stack the app does not have', async () => {
    expect(await cli('destroy')).toEqual({
      code: 64,
      output:
        "[destroy] error: missing required argument 'stacks'.\n" +
        '[destroy] fix: Nothing was done. cdktf-pipeline destroy --help shows what it takes.\n',
    });
    expect(await cli('deploy', 'nope')).toEqual({
      code: 64,
      output:
        "[deploy] error: the app has no stack 'nope' (stacks: image, dev, staging, prod).\n" +
        '[deploy] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline deploy dev.\n',
    });
  });

  test('a review id the app rejects: its configuration problems, nothing else', async () => {
    expect(await cli('deploy', 'review-Bad_Id')).toEqual({
      code: 1,
      output:
        "1 configuration problem; nothing was deployed:\n  - environment 'review-Bad_Id': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'review-Bad_Id'. Use a name such as staging or review-42.\n",
    });
  });

  test('an unknown command, and run with an unknown option', async () => {
    expect(await cli('deploy-everything')).toEqual({
      code: 64,
      output:
        "[cdktf-pipeline] error: unknown command 'deploy-everything'.\n" +
        '[cdktf-pipeline] fix: Nothing was done. cdktf-pipeline --help shows what it takes.\n',
    });
    expect(await cli('run', '--deploy-everything')).toEqual({
      code: 64,
      output:
        "[run] error: unknown option '--deploy-everything'.\n" +
        '[run] fix: Nothing was done. cdktf-pipeline run --help shows what it takes.\n',
    });
  });

  test('a pipeline module that exports no pipeline', async () => {
    expect(await cli('render', '--pipeline', 'main.ts')).toMatchObject({
      code: 1,
      output:
        "[render] error: main.ts exports no DeliveryPipeline as 'pipeline' (or as its default export).\n" +
        '[render] fix: Export it: export const pipeline = new DeliveryPipeline({ ... });\n',
    });
  });

  test('render --check finds the committed CI files up to date', async () => {
    expect(await cli('render', '--check')).toEqual({
      code: 0,
      output:
        '[render] .gitlab-ci.yml is up to date\n[render] .github/workflows/deploy.yml is up to date\n',
    });
  });
});
