/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The delivery pipeline, run for real: `npm run pipeline` (the local runner) from nothing to prod
 * and again, failures injected into its stages, the approval gate, merge request and scheduled
 * runs, the Ansible step, and the generated GitLab CI file executed by gitlab-ci-local.
 * The tests build on each other and run in order; afterAll destroys everything, pass or fail.
 */
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { parse } from 'yaml';

import { Release, releaseId } from '../../lib';
import { Deployment, EnvironmentStatus, StatusView } from '../../lib/operations';
import { openFile, screenshot } from '../helpers/browser';
import { CommandResult, expectSuccess, httpGet, sh, watchImageEvents } from '../helpers/cli';
import {
  APPROVALS,
  environmentContainers,
  REPOSITORIES,
  runningImages,
  runs,
  serviceImages,
  STATE,
  TestDeployment,
  URLS,
  verifiedRelease,
} from '../helpers/deployment';
import { escape, wholeLines } from '../helpers/output';
import { PROJECT_ROOT } from '../helpers/test-app';

jest.setTimeout(20 * 60 * 1000);

const MERGE_REQUEST = '7';
const deployment = new TestDeployment([MERGE_REQUEST]);
const PUSH_STAGES = [
  'lint',
  'unit-tests',
  'build-image',
  'dev',
  'configure-dev',
  'staging',
  'approve-prod',
  'prod',
  'verify-prod',
];
/** gitlab-ci-local takes the branch from the checkout; CI may check out a detached commit. */
const PUSH_TO_MAIN = [
  '--variable',
  'CI_PIPELINE_SOURCE=push',
  '--variable',
  'CI_COMMIT_BRANCH=main',
  '--ignore-predefined-vars',
  'CI_PIPELINE_SOURCE,CI_COMMIT_BRANCH',
];
const HEALTHY = { status: 200, body: 'ok web (upstream: ok api )\n' };

/**
 * One whole line of the pipeline's output holding exactly `message`: after the runner's
 * `[pipeline]` prefix and indent (and the `│ ` of a failed step's output), to the line's end or
 * the step's duration that the runner adds to its last line, e.g. ` (1.5s)`.
 */
const outputLine = (message: string | RegExp) =>
  new RegExp(
    `^(\\[pipeline\\] +(│ )?)?${typeof message === 'string' ? escape(message) : message.source}( \\(\\d+(\\.\\d+)?s\\))?$`,
    'm',
  );
/** The Ansible step's line when it skips the playbook, and when it runs it. */
const SKIPPED = outputLine(
  /\[ansible\] \S*register-endpoints\.yml for dev: playbook and inputs unchanged since its last run \([0-9a-f]{12}\), skipped/,
);
const RUNNING = outputLine(
  /\[ansible\] \S*register-endpoints\.yml for dev: running \(inputs [0-9a-f]{12}; log \S+\)/,
);

beforeAll(() => deployment.start());
afterAll(() => deployment.cleanUp());

/** `npm run pipeline -- ARGS`, as a user runs it (no terminal: nobody to ask for approvals). */
function fullPipeline(...args: string[]): Promise<CommandResult> {
  // Review stacks come from the merge request id, not from PIPELINE_REVIEW_IDS.
  return sh('npm', ['run', '-s', 'pipeline', '--', ...args], {
    ...deployment.env,
    PIPELINE_REVIEW_IDS: '',
  });
}

/**
 * The same, without the lint and unit-test stages: npm test has run the unit tests already, and
 * the first run here runs lint as a stage.
 */
function pipeline(...args: string[]): Promise<CommandResult> {
  return fullPipeline('--skip', CHECKS.join(','), ...args);
}

const CHECKS = ['lint', 'unit-tests'];
/** The results of a run whose stages all passed, the skipped checks apart. */
const PASSED_AFTER_CHECKS = Object.fromEntries(
  PUSH_STAGES.map((s) => [s, CHECKS.includes(s) ? 'skipped' : 'passed']),
);

interface Row {
  readonly stage: string;
  readonly result: string;
  readonly release: string;
  readonly url: string;
}

/** The rows of the summary table the run printed. */
function summary(output: string): Row[] {
  const lines = output.split('\n').map((l) => l.replace(/^\[pipeline\] /, ''));
  const header = lines.findIndex((l) => /^stage\s+result\s+duration\s+release\s+url$/.test(l));
  expect(header).toBeGreaterThanOrEqual(0);
  const rows: Row[] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    const cells = line.trim().split(/ {2,}/);
    if (
      cells.length < 4 ||
      !/^(passed|failed|waiting for approval|not run|skipped)$/.test(cells[1])
    ) {
      throw new Error(`not a summary row: '${line}'\n${output}`);
    }
    rows.push({ stage: cells[0], result: cells[1], release: cells[3], url: cells[4] ?? '-' });
  }
  return rows;
}

/**
 * Runs one job of the committed .gitlab-ci.yml as GitLab's shell executor runs it: its
 * before_script and script in one shell that stops at the first failing command, with the
 * variables GitLab gives the job (e.g. what a needed job's dotenv report exported).
 */
async function gitlabJob(id: string, variables: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const ci = parse(readFileSync(join(PROJECT_ROOT, '.gitlab-ci.yml'), 'utf8')) as {
    default: { before_script: string[] };
  } & Record<string, { script: string[] }>;
  const script = [...ci.default.before_script, ...ci[id].script].join('\n');
  return sh('sh', ['-ec', script], { ...deployment.env, PIPELINE_REVIEW_IDS: '', ...variables });
}

/** The variables the last deploy's dotenv report exports to the jobs that need its job. */
function dotenvReport(): Record<string, string> {
  const text = readFileSync(join(PROJECT_ROOT, '.pipeline', 'outputs', 'deployed.env'), 'utf8');
  return Object.fromEntries(
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

function results(output: string): Record<string, string> {
  return Object.fromEntries(summary(output).map((r) => [r.stage, r.result]));
}

function digestOf(image: string | undefined): string {
  return (image ?? '').slice((image ?? '').indexOf('@') + 1);
}

/** A release as the CLI shows it in a line: its id and each image's short digest. */
function shown(release: Release | undefined): string {
  if (!release) return '-';
  const images = Object.keys(release)
    .sort()
    .map((name) => `${name} ${digestOf(release[name]).slice(0, 19)}`);
  return `${releaseId(release)} (${images.join(', ')})`;
}

/** The line of an approval record that approves a release of web and api. */
function approved(release: Release): string {
  return `api=${digestOf(release.api)} web=${digestOf(release.web)} # release ${releaseId(release)} approved by `;
}

let release: Release = {};
/** The release that waits for prod's approval, and the report of the run that paused there. */
let next: Release = {};
let report = '';
/** The line a pipeline run ends with, naming its HTML report. */
const REPORT = /^\[pipeline\] report: (\S+) \(open it in a browser\)$/m;
/** Where the browser test keeps its screenshots: the test run's output folder. */
const SCREENSHOTS = join(PROJECT_ROOT, '.pipeline', 'results', 'screenshots');

/** This checkout's CLI, with the suite's environment. */
function cli(...args: string[]): Promise<CommandResult> {
  return sh('node_modules/.bin/cdktf-pipeline', args, {
    ...deployment.env,
    PIPELINE_REVIEW_IDS: '',
  });
}

/** `status --json`: every environment's row, by name. */
async function status(): Promise<{ release?: Release; rows: Record<string, EnvironmentStatus> }> {
  const result = await cli('status', '--json');
  expectSuccess(result);
  const view = JSON.parse(result.output) as StatusView;
  return {
    release: view.release,
    rows: Object.fromEntries(view.environments.map((e) => [e.environment, e])),
  };
}

/** `history [ENV] --json`: the deploys, newest first. */
async function history(...args: string[]): Promise<Deployment[]> {
  const result = await cli('history', ...args, '--json');
  expectSuccess(result);
  return JSON.parse(result.output) as Deployment[];
}

/** The status table a pipeline run printed after its summary, as rows of cells by column. */
function statusRows(output: string): Record<string, Record<string, string>> {
  const lines = output.split('\n').map((l) => l.replace(/^\[pipeline\] /, ''));
  const header = lines.findIndex((l) => /^environment\s+runs\s+verified\s+since/.test(l));
  expect(header).toBeGreaterThanOrEqual(0);
  const names = lines[header].split(/\s{2,}/);
  const rows: Record<string, Record<string, string>> = {};
  for (const line of lines.slice(header + 2)) {
    if (line.trim() === '') break;
    const cells = line.split(/\s{2,}/);
    rows[cells[0]] = Object.fromEntries(names.map((n, i) => [n, cells[i]]));
  }
  return rows;
}

describe('npm run pipeline, the local runner', () => {
  test('from nothing to prod: every stage in order, each image built and pushed once, and a summary', async () => {
    const imagesBefore = await serviceImages();
    const events = await watchImageEvents(Object.values(REPOSITORIES));
    // The unit tests have just run in npm test; lint runs here, as the pipeline's first stage.
    const run = await fullPipeline('--approve', '--skip', 'unit-tests');
    const imageEvents = await events.stop();
    expectSuccess(run);

    // The stages ran in the model's order, each announced and each passed.
    const ran = PUSH_STAGES.filter((s) => s !== 'unit-tests');
    const starts = ran.map((s) => run.output.indexOf(`▶ ${s} (`));
    expect(starts.every((at) => at >= 0)).toBe(true);
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    expect(results(run.output)).toEqual(
      Object.fromEntries(PUSH_STAGES.map((s) => [s, ran.includes(s) ? 'passed' : 'skipped'])),
    );

    // One build and one push of each image; the digests are the release, verified by every stage
    // up to prod.
    expect((await serviceImages()).filter((id) => !imagesBefore.includes(id))).toHaveLength(2);
    expect(imageEvents.filter((e) => e.startsWith('push ')).sort()).toEqual([
      'push 127.0.0.1:5000/sample-api',
      'push 127.0.0.1:5000/sample-web',
    ]);
    release = verifiedRelease('image') ?? {};
    expect(release).toEqual({
      api: expect.stringMatching(/^127\.0\.0\.1:5000\/sample-api@sha256:[0-9a-f]{64}$/),
      web: expect.stringMatching(/^127\.0\.0\.1:5000\/sample-web@sha256:[0-9a-f]{64}$/),
    });
    for (const stage of ['dev', 'staging', 'prod']) expect(verifiedRelease(stage)).toEqual(release);
    expect(run.output).toMatch(
      wholeLines(
        new RegExp(`\\[pipeline\\] pipeline passed in \\S+; release ${escape(shown(release))}`),
        `[pipeline]   api: ${release.api}`,
        `[pipeline]   web: ${release.web}`,
      ),
    );

    // The summary names the release and where each environment answers; they answer.
    const rows = Object.fromEntries(summary(run.output).map((r) => [r.stage, r]));
    expect(rows.prod).toMatchObject({ release: shown(release), url: `${URLS.prod}/` });
    expect(rows.dev.url).toBe(`${URLS.dev}/`);
    expect(rows.staging.url).toBe(`${URLS.staging}/`);
    for (const url of Object.values(URLS)) {
      expect(await httpGet(`${url}/cgi-bin/health`)).toEqual(HEALTHY);
    }
    expect(await runs('prod')).toEqual({ api: [release.api], web: [release.web] });

    // The run ends with what runs where: every environment on the release, verified by this run.
    const table = statusRows(run.output);
    expect(Object.keys(table)).toEqual(['dev', 'staging', 'prod']);
    for (const [name, upstream] of [
      ['dev', 'image'],
      ['staging', 'dev'],
      ['prod', 'staging'],
    ]) {
      expect(table[name]).toMatchObject({
        runs: shown(release),
        verified: 'yes',
        'last deploy': 'verified',
        upstream,
        waiting: '-',
        url: `${URLS[name as keyof typeof URLS]}/`,
      });
      expect(table[name].since).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/);
    }
    // This run's three deploys, newest first (a checkout may keep older ones).
    const deploys = (await history()).slice(0, 3);
    expect(deploys.map((d) => [d.environment, d.releaseId, d.release, d.outcome])).toEqual([
      ['prod', releaseId(release), release, 'verified'],
      ['staging', releaseId(release), release, 'verified'],
      ['dev', releaseId(release), release, 'verified'],
    ]);
    expect(deploys.map((d) => d.from)).toEqual(['staging', 'dev', 'image']);
    for (const d of deploys) expect(d.run).toMatch(/^local run \d{4}-\d\d-\d\dT[\d:]+Z$/);
    expect(new Set(deploys.map((d) => d.run)).size).toBe(1);
    expect(deploys[0].approval?.startsWith(approved(release))).toBe(true);

    // The approval of that exact release is on record; the load check ran against prod.
    expect(readFileSync(APPROVALS, 'utf8')).toContain(approved(release));
    expect(run.output).toMatch(/load: 200 requests, 10 at a time, .* 0 failed/);

    // The Ansible step registered dev's endpoint with its release.
    const targets = JSON.parse(
      readFileSync(
        join(PROJECT_ROOT, '.pipeline', 'hosts', 'dev', 'monitoring-targets.json'),
        'utf8',
      ),
    ) as unknown;
    expect(targets).toEqual([
      {
        targets: ['127.0.0.1:8080'],
        labels: { environment: 'dev', service: 'web', release: releaseId(release) },
      },
    ]);
  });

  test('run twice: the second run builds no image, finds the release approved and changes nothing', async () => {
    const containers = await environmentContainers(deployment.environments);
    const images = await serviceImages();
    const events = await watchImageEvents(Object.values(REPOSITORIES));
    const run = await pipeline();
    const imageEvents = await events.stop();
    expectSuccess(run);
    expect(results(run.output)).toEqual(PASSED_AFTER_CHECKS);

    for (const stack of ['image', 'dev', 'staging', 'prod']) {
      expect(run.output).toMatch(new RegExp(`deployed ${stack} in \\d+s, no changes`));
      // Nothing init depends on changed since the first run: the engine ran without it.
      expect(
        readFileSync(join(PROJECT_ROOT, '.pipeline', 'logs', `deploy-${stack}.log`), 'utf8'),
      ).toMatch(
        new RegExp(
          `^init skipped: the engine's data of ${stack} is initialised for this configuration \\(\\.pipeline/engine/${stack}-[0-9a-f]{16}\\)\\n`,
        ),
      );
    }
    expect(run.output).toMatch(
      outputLine(`[approve] release ${shown(release)} is already approved for prod`),
    );
    expect(run.output).toMatch(
      /register-endpoints\.yml for dev: playbook and inputs unchanged .*skipped/,
    );
    expect(await environmentContainers(deployment.environments)).toEqual(containers);
    expect(await serviceImages()).toEqual(images);
    expect(imageEvents.filter((e) => !e.startsWith('pull '))).toEqual([]);
  });

  test('the history survives a redeploy: each deploy is one more record, and "since" stays the first', async () => {
    const before = await history();
    const since = (await status()).rows.dev.since;
    expect(since).toBeDefined();
    expectSuccess(await cli('deploy', 'dev'));
    const after = await history();
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({
      environment: 'dev',
      releaseId: releaseId(release),
      release,
      changed: [],
      from: 'image',
      outcome: 'verified',
      run: expect.stringMatching(/^by hand \(.+\)$/),
    });
    expect((await status()).rows.dev).toMatchObject({ since, verified: true });
    // Asked for, status also probes every environment now and compares it with its last deploy.
    const probed = await cli('status', '--probe', '--drift');
    expectSuccess(probed);
    const now = statusRows(probed.output);
    for (const name of ['dev', 'staging', 'prod']) {
      expect({ name, smoke: now[name]['smoke tests'], drift: now[name].drift }).toEqual({
        name,
        smoke: 'pass',
        drift: 'in sync',
      });
    }
    // One release, where it went and when; and the releases with one image's digest.
    // (A clone's history may hold records of other releases from before this suite.)
    const ofRelease = after.filter((d) => d.releaseId === releaseId(release));
    expect(ofRelease.length).toBeGreaterThan(1);
    expect(await history('--release', releaseId(release))).toEqual(ofRelease);
    const prefix = digestOf(release.api).slice(0, 19);
    expect(await history('--digest', prefix)).toEqual(
      after.filter((d) => digestOf(d.release.api).startsWith(prefix)),
    );
    expect(await history('prod')).toEqual(after.filter((d) => d.environment === 'prod'));
  });

  test('the Ansible step runs again only when its playbook or its inputs change', async () => {
    const step = (playbook: string) =>
      sh('node_modules/.bin/cdktf-pipeline', ['ansible', 'dev', playbook], deployment.env);
    const copy = mkdtempSync(join(tmpdir(), 'e2e-ansible-'));
    try {
      cpSync(join(PROJECT_ROOT, 'ansible'), copy, { recursive: true });
      const same = await step(join(copy, 'register-endpoints.yml'));
      expectSuccess(same);
      expect(same.output).toMatch(SKIPPED);

      const template = join(copy, 'templates', 'monitoring-targets.json.j2');
      writeFileSync(
        template,
        readFileSync(template, 'utf8').replace(
          '"environment":',
          '"team": "delivery",\n      "environment":',
        ),
      );
      const changed = await step(join(copy, 'register-endpoints.yml'));
      expectSuccess(changed);
      expect(changed.output).toMatch(RUNNING);
      expect(changed.output).toMatch(/ok=3 changed=1 /);
      const targets = readFileSync(
        join(PROJECT_ROOT, '.pipeline', 'hosts', 'dev', 'monitoring-targets.json'),
        'utf8',
      );
      expect(JSON.parse(targets)).toEqual([
        {
          targets: ['127.0.0.1:8080'],
          labels: {
            team: 'delivery',
            environment: 'dev',
            service: 'web',
            release: releaseId(release),
          },
        },
      ]);
      expect((await step(join(copy, 'register-endpoints.yml'))).output).toMatch(SKIPPED);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // The original playbook differs from the last run's again: it runs and restores the file.
    const restored = await step('ansible/register-endpoints.yml');
    expect(restored.output).toMatch(RUNNING);
  });

  test('the generated .gitlab-ci.yml runs under gitlab-ci-local: the image and dev jobs', async () => {
    // The lint and unit-test jobs run what this suite's first pipeline run ran as stages.
    const run = await sh(
      'npx',
      ['gitlab-ci-local', ...PUSH_TO_MAIN, 'build-image', 'dev'],
      deployment.env,
    );
    expectSuccess(run);
    for (const job of ['build-image', 'dev']) {
      expect(run.output).toMatch(new RegExp(`PASS\\s+${job}\\s*\\n`));
    }
    expect(run.output).not.toMatch(/PASS\s+(lint|unit-tests)\s*\n/);
    // The dev job deploys the release that this run's image job exported in its dotenv report.
    expect(run.output).toMatch(/dev\s+\$ cdktf-pipeline deploy dev --release "\$PIPELINE_RELEASE"/);
    expect(run.output).toMatch(/dev\s+> \[check\] dev: web\/cgi-bin\/health answered 200/);
    expect(verifiedRelease('dev')).toEqual(release);
    expect(await httpGet(`${URLS.dev}/cgi-bin/health`)).toEqual(HEALTHY);

    // Pushes to the default branch run no review job; the prod job waits for a person.
    const list = await sh('npx', ['gitlab-ci-local', ...PUSH_TO_MAIN, '--list'], deployment.env);
    expect(list.output).toMatch(/\nprod\s+.*\s+manual\s+false\s+prod\s+\[build-image,staging\]/);
    expect(list.output).not.toMatch(/\nreview\s/);

    // A merge request pipeline: checks, the image, its review app, and the manual stop job.
    const mergeRequest = await sh(
      'npx',
      [
        'gitlab-ci-local',
        '--list',
        '--variable',
        'CI_PIPELINE_SOURCE=merge_request_event',
        '--variable',
        'CI_MERGE_REQUEST_IID=3',
        '--ignore-predefined-vars',
        'CI_PIPELINE_SOURCE,CI_MERGE_REQUEST_IID',
      ],
      deployment.env,
    );
    const jobs = mergeRequest.output
      .split('\n')
      .map((line) =>
        /^([a-z-]+)\s+\S+\s+(on_success|manual)\s+(true|false)\s+(?:([^\s[]\S*)\s+)?\[/.exec(line),
      )
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => `${m[1]} ${m[2]} ${m[4] || '-'}`);
    expect(jobs).toEqual([
      'lint on_success -',
      'unit-tests on_success -',
      'build-image on_success -',
      'review on_success review/3',
      'stop-review manual review/3',
    ]);
  });

  test('a failure in the image stage stops the pipeline there; every environment keeps its release', async () => {
    deployment.setService((dir) => {
      const health = join(dir, 'web', 'www', 'cgi-bin', 'health');
      writeFileSync(
        health,
        "#!/bin/sh\nprintf 'Status: 500 Internal Server Error\\r\\n\\r\\n'\necho broken\n",
      );
    });
    const run = await pipeline('--approve');
    expect(run.code).toBe(1);
    expect(results(run.output)).toEqual({
      lint: 'skipped',
      'unit-tests': 'skipped',
      'build-image': 'failed',
      ...Object.fromEntries(PUSH_STAGES.slice(3).map((s) => [s, 'not run'])),
    });
    expect(run.output).toMatch(
      outputLine('✘ build, test and push the images (image) failed (exit 1); its output:'),
    );
    expect(run.output).toMatch(outputLine(/full output: \S+\/build-image\.log/));
    for (const stage of ['image', 'dev', 'staging', 'prod'])
      expect(verifiedRelease(stage)).toEqual(release);
    expect(await httpGet(`${URLS.prod}/cgi-bin/health`)).toEqual(HEALTHY);
  });

  test('a failure in dev stops the pipeline there; staging and prod keep the previous release', async () => {
    // Healthy inside the image, but the path from web through api is broken once deployed.
    deployment.setService((dir) => {
      const health = join(dir, 'web', 'www', 'cgi-bin', 'health');
      writeFileSync(
        health,
        readFileSync(health, 'utf8').replace('upstream: $upstream', 'upstream: broken'),
      );
    });
    const run = await pipeline('--approve');
    expect(run.code).toBe(1);
    expect(results(run.output)).toEqual({
      lint: 'skipped',
      'unit-tests': 'skipped',
      'build-image': 'passed',
      dev: 'failed',
      ...Object.fromEntries(PUSH_STAGES.slice(4).map((s) => [s, 'not run'])),
    });
    const broken = verifiedRelease('image') ?? {};
    expect(broken).not.toEqual(release);
    expect(broken.api).toBe(release.api);
    // The engine wraps the smoke test's message over lines (each under the runner's prefix):
    // compared with the lines joined.
    expect(run.output.replace(/\n\[pipeline\] +│ /g, ' ').replace(/\s+/g, ' ')).toMatch(
      /smoke test 'web\/cgi-bin\/health' failed: GET http:\/\/\S+\/cgi-bin\/health expected status 200 and a body containing '[^']+'; received status \d+, body: .+? \(after \d+ attempts in \d+s\)/,
    );
    for (const stage of ['dev', 'staging', 'prod']) {
      expect(verifiedRelease(stage)).toEqual(release);
    }
    for (const stage of ['staging', 'prod']) {
      expect(await runs(stage)).toEqual({ api: [release.api], web: [release.web] });
    }

    // The history says what failed; the status, that dev runs the broken release unverified and
    // still promotes the previous one.
    const [last] = await history('dev');
    expect(last).toMatchObject({
      releaseId: releaseId(broken),
      changed: ['web'],
      outcome: 'smoke test failed',
      detail: expect.stringContaining("smoke test 'web/cgi-bin/health' failed: GET"),
    });
    const { rows } = await status();
    expect(rows.dev).toMatchObject({
      runs: broken,
      verifiedRelease: release,
      verified: false,
      lastDeploy: 'smoke test failed',
    });
    expect(rows.staging).toMatchObject({ runs: release, verified: true });
    expect(rows.staging.waiting).toBeUndefined();
  });

  test('approval gate: a new release stops before prod until it is approved; status shows it waiting', async () => {
    deployment.setService((dir) =>
      writeFileSync(join(dir, 'web', 'www', 'index.html'), '<p>version 3</p>\n'),
    );
    const waiting = await pipeline();
    expect(waiting.code).toBe(2);
    report = REPORT.exec(waiting.output)?.[1] ?? '';
    expect(report).toBe(join(PROJECT_ROOT, '.pipeline', 'status.html'));
    expect(results(waiting.output)).toMatchObject({
      staging: 'passed',
      'approve-prod': 'waiting for approval',
      prod: 'not run',
      'verify-prod': 'not run',
    });
    next = verifiedRelease('staging') ?? {};
    expect(next).not.toEqual(release);
    expect(waiting.output).toMatch(
      outputLine(
        `⏸ release ${shown(next)} is not approved for prod yet. Approve it for prod? Not approved: the pipeline stops here; nothing was deployed to prod.`,
      ),
    );
    expect(verifiedRelease('prod')).toEqual(release);

    // Status: prod is behind, with staging's release waiting for an approval.
    const { rows } = await status();
    expect(rows.staging).toMatchObject({ runs: next, verified: true });
    expect(rows.prod).toMatchObject({
      runs: release,
      verified: true,
      waiting: next,
      waitingId: releaseId(next),
      waitingChanged: ['web'],
      waitingApproved: false,
    });
    expect(statusRows(waiting.output).prod.waiting).toBe(
      `${shown(next)} [web changed, not approved]`,
    );
    // The same as Markdown for a CI job summary: the table and the promotion chain.
    const markdown = await cli('status', '--markdown');
    expectSuccess(markdown);
    expect(readFileSync(join(PROJECT_ROOT, '.pipeline', 'status.md'), 'utf8')).toBe(
      markdown.output,
    );
    expect(markdown.output).toContain(
      `| prod | ${shown(release)} | yes | ${rows.prod.since ? `${rows.prod.since.slice(0, 10)} ${rows.prod.since.slice(11, 16)} UTC` : '-'} | verified | staging | ${shown(next)} [web changed, not approved] | ${URLS.prod}/ |\n`,
    );
    const node = (r: Release) =>
      `release ${releaseId(r)}<br/>api ${digestOf(r.api).slice(0, 19)}<br/>web ${digestOf(r.web).slice(0, 19)}`;
    expect(markdown.output).toContain(
      [
        '```mermaid',
        'graph LR',
        `  image["image<br/>${node(next)}"]`,
        `  dev["dev<br/>${node(next)}<br/>verified"]`,
        `  staging["staging<br/>${node(next)}<br/>verified"]`,
        `  prod["prod<br/>${node(release)}<br/>verified"]`,
        '  image --> dev',
        '  dev --> staging',
        `  staging -->|"${releaseId(next)} waiting"| prod`,
      ].join('\n'),
    );
    // And every release in full, to copy.
    expect(markdown.output).toContain(
      `- release \`${releaseId(next)}\`:\n  - api: \`${next.api}\`\n  - web: \`${next.web}\`\n`,
    );
  });

  test('the HTML report of that run, in headless Chromium: the promotion graph, every digest and verified state, prod waiting for approval, the history; nothing fetched, light and dark, desktop and phone', async () => {
    const { browser, page, requests } = await openFile(report, { width: 1280, height: 800 });
    try {
      // The graph: a node per stage with its state, an edge from each upstream; the waiting
      // release on the edge into prod.
      const graph = await page.evaluate(() => ({
        nodes: [...document.querySelectorAll('svg.graph g.node')].map((n) => [
          n.getAttribute('data-node'),
          n.getAttribute('data-state'),
          n.querySelector('rect')?.getBoundingClientRect().width ?? 0,
        ]),
        edges: [...document.querySelectorAll('svg.graph g.edge')].map((e) => [
          `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`,
          [...e.querySelectorAll('text')].map((t) => t.textContent).join(', '),
        ]),
      }));
      expect(graph.nodes).toEqual(
        ['image', 'dev', 'staging', 'prod'].map((n) => [n, 'verified', 190]),
      );
      expect(graph.edges).toEqual([
        ['image -> dev', ''],
        ['dev -> staging', ''],
        ['staging -> prod', `${releaseId(next)} waiting, not approved`],
      ]);
      // Each environment: what it runs, each image's digest short and in full, verified.
      const environments = await page.evaluate(() =>
        [...document.querySelectorAll('section.environment')].map((s) => ({
          name: s.getAttribute('data-environment'),
          verified: s.querySelector('[data-verified]')?.getAttribute('data-verified'),
          runs: [...s.querySelectorAll('dd')][0]
            ? [...[...s.querySelectorAll('dd')][0].querySelectorAll('code.digest')].map((c) => [
                c.textContent,
                c.getAttribute('title'),
              ])
            : [],
          approval: s.querySelector('[data-approval]')?.textContent ?? null,
          history: [...s.querySelectorAll('ol.timeline li')].map((li) => [
            li.getAttribute('data-outcome'),
            li.getAttribute('data-release'),
          ]),
        })),
      );
      const digests = (r: Release) =>
        ['api', 'web'].map((image) => [digestOf(r[image]).slice(0, 19), r[image]]);
      expect(environments.map((e) => [e.name, e.verified, e.runs])).toEqual([
        ['dev', 'yes', digests(next)],
        ['staging', 'yes', digests(next)],
        ['prod', 'yes', digests(release)],
      ]);
      const prod = environments[2];
      expect(prod.approval).toBe(`◐ release ${releaseId(next)} waits for approval`);
      // Its newest deploy: the release it runs, verified (older ones follow).
      expect(prod.history[0]).toEqual(['verified', releaseId(release)]);
      expect(requests).toEqual([]);
      await screenshot(page, join(SCREENSHOTS, 'status-1280x800.png'));

      // A phone's width: the page does not scroll sideways (the graph scrolls in its box).
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
      await screenshot(page, join(SCREENSHOTS, 'status-390x844.png'));
    } finally {
      await browser.close();
    }
    // The dark scheme: the page's own colours change with the viewer's.
    const dark = await openFile(report, { width: 1280, height: 800 }, 'dark');
    try {
      expect(await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(13, 17, 23)',
      );
      await screenshot(dark.page, join(SCREENSHOTS, 'status-dark-1280x800.png'));
    } finally {
      await dark.browser.close();
    }
    for (const png of ['status-1280x800.png', 'status-390x844.png', 'status-dark-1280x800.png']) {
      expect(readFileSync(join(SCREENSHOTS, png)).subarray(1, 4).toString()).toBe('PNG');
    }
  });

  test('an approval whose note holds <script>alert(1)</script>: the report shows it as text, and no script from it runs', async () => {
    const note = '<script>alert(1)</script>';
    expectSuccess(await cli('approve', 'prod', releaseId(next), note));
    const file = join(SCREENSHOTS, 'status-approved.html');
    const written = await cli('status', '--html', file);
    expectSuccess(written);
    expect(written.output).toMatch(
      wholeLines(`[status] wrote the report to ${relative(PROJECT_ROOT, file)}`),
    );
    const { browser, page, dialogs } = await openFile(file, { width: 1280, height: 800 });
    try {
      const prod = await page.evaluate(() => {
        const section = document.querySelector('[data-environment="prod"]');
        return {
          approval: section?.querySelector('[data-approval]')?.textContent,
          line: section?.querySelector('[data-approval-line]')?.textContent,
          scripts: document.querySelectorAll('script').length,
        };
      });
      expect(prod.approval).toBe(`✓ release ${releaseId(next)} approved`);
      expect(prod.line).toMatch(
        new RegExp(
          `^release ${releaseId(next)} approved by .+ on \\S+Z: <script>alert\\(1\\)</script>$`,
        ),
      );
      // The page's own script only; the note's never ran (an alert would have opened a dialog).
      expect(prod.scripts).toBe(1);
      expect(dialogs).toEqual([]);
      await screenshot(page, join(SCREENSHOTS, 'status-approved-1280x800.png'));
    } finally {
      await browser.close();
    }
  });

  test('approved, the waiting release goes to prod', async () => {
    const approved = await pipeline('--approve');
    expectSuccess(approved);
    expect(results(approved.output)['approve-prod']).toBe('passed');
    expect(verifiedRelease('prod')).toEqual(next);
    expect((await httpGet(`${URLS.prod}/`)).body).toContain('version 3');
    release = next;
  });

  test("each pipeline run promotes its own release: run 1's prod job refuses once run 2 has moved staging on", async () => {
    // Two pipeline runs, one after the other, each through its image, dev and staging jobs.
    const ids: string[] = [];
    for (const version of ['4', '5']) {
      deployment.setService((dir) =>
        writeFileSync(join(dir, 'web', 'www', 'index.html'), `<p>version ${version}</p>\n`),
      );
      expectSuccess(await gitlabJob('build-image'));
      const id = dotenvReport().PIPELINE_RELEASE;
      expect(id).toMatch(/^[0-9a-f]{12}$/);
      for (const job of ['dev', 'staging']) {
        expectSuccess(await gitlabJob(job, { PIPELINE_RELEASE: id }));
      }
      expect(releaseId(verifiedRelease('staging') ?? {})).toBe(id);
      ids.push(id);
    }
    const [first, second] = ids;
    expect(first).not.toBe(second);
    const staging = verifiedRelease('staging') ?? {};

    // Someone clicks run 1's manual prod job: it carries run 1's release and refuses.
    const approvals = readFileSync(APPROVALS, 'utf8');
    const refused = await gitlabJob('prod', { PIPELINE_RELEASE: first });
    expect(refused.code).toBe(1);
    expect(refused.output).toContain(
      `[approve] error: staging now runs release ${shown(staging)}, built by another pipeline run; this run's release ${first} was superseded, so prod does not get it.\n` +
        `[approve] fix: Nothing changed in prod. Promote release ${second} from the pipeline run that built it.\n`,
    );
    expect(refused.output).not.toContain('deploying prod');
    expect(readFileSync(APPROVALS, 'utf8')).toBe(approvals);
    expect(verifiedRelease('prod')).toEqual(release);
    expect((await httpGet(`${URLS.prod}/`)).body).toContain('version 3');

    // Run 2's prod job approves and deploys its own release, and keeps the record for CI.
    const deployed = await gitlabJob('prod', { PIPELINE_RELEASE: second });
    expectSuccess(deployed);
    expect(releaseId(verifiedRelease('prod') ?? {})).toBe(second);
    expect((await httpGet(`${URLS.prod}/`)).body).toContain('version 5');
    const record = readFileSync(APPROVALS, 'utf8');
    const line = record.split('\n').find((l) => l.startsWith(approved(staging)));
    expect(line).toMatch(/: verified by staging$/);
    expect(deployed.output).toContain(`[approve] recorded in approvals/prod.txt: ${line}\n`);
    expect(readFileSync(join(PROJECT_ROOT, '.pipeline', 'approvals', 'prod.txt'), 'utf8')).toBe(
      record,
    );
    release = verifiedRelease('prod') ?? {};
  });
});

describe('merge request and scheduled runs', () => {
  const reviewState = join(STATE, `review-${MERGE_REQUEST}.tfstate`);

  test('a merge request gets its review environment; the scheduled run keeps it while it is fresh', async () => {
    const run = await pipeline('--merge-request', MERGE_REQUEST);
    expectSuccess(run);
    expect(results(run.output)).toEqual({
      lint: 'skipped',
      'unit-tests': 'skipped',
      'build-image': 'passed',
      review: 'passed',
    });
    const row = summary(run.output).find((r) => r.stage === 'review');
    expect(row?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await httpGet(`${row?.url}cgi-bin/health`)).toEqual(HEALTHY);

    const scheduled = await pipeline('--schedule');
    expect(scheduled.code).toBe(0);
    expect(scheduled.output).toMatch(
      outputLine(
        `[expire-reviews] time to live 3 days: expired none; kept review-${MERGE_REQUEST} (deployed 0h ago)`,
      ),
    );
    // The scheduled drift report: the deployed environment is as its last deploy left it.
    expect(scheduled.output).toMatch(
      outputLine(`[drift] review-${MERGE_REQUEST}: in sync with its last deploy`),
    );
    expect(existsSync(reviewState)).toBe(true);
  });

  test('the scheduled run expires a review environment idle longer than its time to live', async () => {
    const old = new Date(Date.now() - 4 * 24 * 3600 * 1000);
    utimesSync(
      join(PROJECT_ROOT, '.pipeline', 'outputs', `review-${MERGE_REQUEST}.json`),
      old,
      old,
    );
    const scheduled = await pipeline('--schedule');
    expectSuccess(scheduled);
    expect(scheduled.output).toMatch(
      outputLine(
        `[expire-reviews] time to live 3 days: expired review-${MERGE_REQUEST}; kept none`,
      ),
    );
    expect(await runningImages(`review-${MERGE_REQUEST}`)).toEqual([]);
  });

  test('closing the merge request tears its review environment down', async () => {
    expect((await pipeline('--merge-request', MERGE_REQUEST)).code).toBe(0);
    expect(await runningImages(`review-${MERGE_REQUEST}`)).not.toEqual([]);
    const closed = await pipeline('--close-merge-request', MERGE_REQUEST);
    expectSuccess(closed);
    expect(results(closed.output)).toEqual({ 'stop-review': 'passed' });
    expect(await runningImages(`review-${MERGE_REQUEST}`)).toEqual([]);
  });
});
