import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import {
  DeliveryPipeline,
  LocalRunner,
  LocalRunnerProps,
  PipelineEvent,
  PipelineStep,
  StageResult,
  StageTrigger,
} from '../../../lib';
import { describeRelease, releaseId } from '../../../lib/private/release';
import { deliveryProject, STAGING_DIGEST, stagingRelease } from '../../helpers/delivery-project';
import { escape, wholeLines } from '../../helpers/output';
import { PROJECT_ROOT } from '../../helpers/test-app';

const DIGEST = STAGING_DIGEST;
/** The release staging verified in the project: its one image, 'app'. */
const RELEASE = stagingRelease(['app']);
const SHOWN = describeRelease(RELEASE);
let dir: string;

/** This checkout's CLI (linked by scripts/setup), as the approval steps call it. */
const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');

beforeEach(() => (dir = deliveryProject('runner-')));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function shell(id: string, ...commands: string[]) {
  return { steps: [PipelineStep.run(id, commands)] };
}

/** Runs a pipeline in the temporary project; resolves with the run and everything it printed. */
async function run(pipeline: DeliveryPipeline, props: Partial<LocalRunnerProps> = {}) {
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const result = await new LocalRunner({ pipeline, cwd: dir, out, ...props }).run();
  return {
    ...result,
    printed,
    results: Object.fromEntries(result.stages.map((s) => [s.stage, s.result])),
  };
}

function gated(): DeliveryPipeline {
  const pipeline = new DeliveryPipeline({ name: 'gated', setupCommands: ['true'], cli: CLI });
  const staging = pipeline.addStage('staging', shell('staging', 'true'));
  const gate = pipeline.addStage('approve-prod', {
    steps: [PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' })],
    needs: [staging],
  });
  pipeline.addStage('prod', { ...shell('prod', 'touch prod-deployed'), needs: [gate] });
  return pipeline;
}

describe('LocalRunner', () => {
  test('stops at the first failing stage, shows its output, and runs nothing after it', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['echo set up'] });
    const a = pipeline.addStage('a', shell('step a', 'echo one > a-ran'));
    const b = pipeline.addStage('b', {
      ...shell('step b', 'echo fine', 'echo boom >&2; exit 3'),
      needs: [a],
    });
    pipeline.addStage('c', { ...shell('step c', 'touch c-ran'), needs: [b] });
    const result = await run(pipeline);
    expect(result.result).toBe(StageResult.FAILED);
    expect(result.results).toEqual({ a: 'passed', b: 'failed', c: 'not run' });
    expect(existsSync(join(dir, 'a-ran'))).toBe(true);
    expect(existsSync(join(dir, 'c-ran'))).toBe(false);
    // The failing command's own output, under the lines of the commands before it.
    expect(result.printed).toMatch(
      wholeLines(
        '[pipeline]   $ echo fine',
        /\[pipeline\] {5}fine \(\d+\.\ds\)/,
        '[pipeline]   $ echo boom >&2; exit 3',
        '[pipeline]   ✘ step b failed (exit 3); its output:',
        '[pipeline]   │ boom',
        `[pipeline]   full output: ${join(dir, '.pipeline', 'logs', 'pipeline', 'b.log')}`,
      ),
    );
    expect(readFileSync(join(dir, '.pipeline', 'logs', 'pipeline', 'b.log'), 'utf8')).toBe(
      '$ echo fine\nfine\n$ echo boom >&2; exit 3\nboom\n',
    );
    expect(result.printed).toMatch(wholeLines(/\[pipeline\] ✘ b failed \(step b\) in \d+\.\ds/));
  });

  test("what a step publishes in $PIPELINE_OUTPUT reaches the run's later steps, not the earlier", async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    const a = pipeline.addStage(
      'a',
      shell(
        'a',
        'echo "seen: [$PIPELINE_RELEASE]" > before',
        'echo PIPELINE_RELEASE=d1 >> "$PIPELINE_OUTPUT"',
      ),
    );
    pipeline.addStage('b', {
      ...shell('b', 'echo "seen: [$PIPELINE_RELEASE]" > after'),
      needs: [a],
    });
    const result = await run(pipeline);
    expect(result.results).toEqual({ a: 'passed', b: 'passed' });
    expect(readFileSync(join(dir, 'before'), 'utf8')).toBe('seen: []\n');
    expect(readFileSync(join(dir, 'after'), 'utf8')).toBe('seen: [d1]\n');
    // A new run starts with nothing published.
    const again = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    again.addStage('b', shell('b', 'echo "seen: [$PIPELINE_RELEASE]" > after'));
    await run(again);
    expect(readFileSync(join(dir, 'after'), 'utf8')).toBe('seen: []\n');
  });

  test('skipped stages do not run, show as skipped, and the stages after them run', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    const checks = pipeline.addStage('checks', shell('checks', 'touch checks-ran'));
    pipeline.addStage('deploy', { ...shell('deploy', 'touch deploy-ran'), needs: [checks] });
    const result = await run(pipeline, { skip: ['checks'] });
    expect(result.result).toBe(StageResult.PASSED);
    expect(result.results).toEqual({ checks: 'skipped', deploy: 'passed' });
    expect(existsSync(join(dir, 'checks-ran'))).toBe(false);
    expect(existsSync(join(dir, 'deploy-ran'))).toBe(true);
    expect(result.printed).toMatch(wholeLines('[pipeline] ⏭ checks skipped'));
    expect(result.printed).toMatch(/\[pipeline\] checks +skipped +- +- +-\n/);
    expect(() => new LocalRunner({ pipeline, cwd: dir, skip: ['lint', 'checks'] })).toThrow(
      new Error(
        "1 configuration problem; nothing was deployed:\n  - local runner: 'skip' must name stages of pipeline 'p', got 'lint'. Use one of: checks, deploy.",
      ),
    );
  });

  test('aborted while a stage runs (Ctrl-C): the stage ends, and no stage starts after it', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    const a = pipeline.addStage('a', shell('a', 'touch a-started', 'sleep 1', 'touch a-ran'));
    pipeline.addStage('b', { ...shell('b', 'touch b-ran'), needs: [a] });
    const interruption = new AbortController();
    const started = run(pipeline, { signal: interruption.signal });
    // Abort once stage a is under way.
    while (!existsSync(join(dir, 'a-started'))) await new Promise((r) => setTimeout(r, 20));
    interruption.abort();
    const result = await started;
    expect(result.results).toEqual({ a: 'passed', b: 'not run' });
    expect(result.result).toBe(StageResult.FAILED);
    expect(existsSync(join(dir, 'a-ran'))).toBe(true);
    expect(existsSync(join(dir, 'b-ran'))).toBe(false);
    expect(result.printed).toMatch(
      wholeLines('[pipeline] ⏹ interrupted: b and the stages after it do not start'),
    );
  });

  test('a failing setup runs no stage', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['echo no engine; exit 1'] });
    pipeline.addStage('a', shell('a', 'touch a-ran'));
    const result = await run(pipeline);
    expect(result.results).toEqual({ a: 'not run' });
    expect(result.printed).toMatch(
      wholeLines('[pipeline] ✘ setup failed (exit 1); its output:', '[pipeline]   │ no engine'),
    );
    expect(existsSync(join(dir, 'a-ran'))).toBe(false);
  });

  test('runs the stages of its event in wave order, one line per stage and step, then the summary', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    const a = pipeline.addStage('a', shell('a', 'echo a >> order'));
    pipeline.addStage('review', {
      ...shell('r', 'echo review >> order'),
      needs: [a],
      trigger: StageTrigger.mergeRequest(),
    });
    pipeline.addStage('b', { ...shell('b', 'echo b >> order'), needs: [a] });
    const result = await run(pipeline);
    expect(result.result).toBe(StageResult.PASSED);
    expect(readFileSync(join(dir, 'order'), 'utf8')).toBe('a\nb\n');
    expect(result.printed).toMatch(wholeLines("[pipeline] push pipeline 'p': a → b"));
    expect(result.printed).toMatch(
      wholeLines('[pipeline] ▶ a (1/2): a', '[pipeline]   $ echo a >> order'),
    );
    expect(result.printed).toMatch(
      /\[pipeline\] stage {2}result {2}duration {2}release {2}url\n\[pipeline\] -{5} {2}-{6} {2}-{8} {2}-{7} {2}-{3}\n\[pipeline\] a {6}passed {2}\d+\.\ds +- {8}-\n\[pipeline\] b {6}passed/,
    );
    expect(result.printed).toMatch(/pipeline passed in \d+\.\ds\n$/);
  });

  test('the summary shows the release a stage worked with, by id and short digests, and the release in full', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'], cli: CLI });
    pipeline.addStage('approve-prod', {
      steps: [PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' })],
    });
    const result = await run(pipeline, { approve: true });
    // The release the approval recorded; only stages that deploy show a URL.
    expect(result.printed).toMatch(
      new RegExp(
        `approve-prod +passed +\\d+\\.\\ds +${releaseId(RELEASE)} \\(app ${DIGEST.slice(0, 19)}\\) +-\\n`,
      ),
    );
    expect(result.printed).toMatch(
      wholeLines(
        new RegExp(`\\[pipeline\\] pipeline passed in \\d+\\.\\ds; release ${escape(SHOWN)}`),
        `[pipeline]   app: ${RELEASE.app}`,
      ),
    );
  });

  test('an approval gate pauses the run when nobody approves; nothing after it runs', async () => {
    const result = await run(gated());
    expect(result.result).toBe(StageResult.WAITING);
    expect(result.results).toEqual({
      staging: 'passed',
      'approve-prod': 'waiting for approval',
      prod: 'not run',
    });
    expect(result.printed).toMatch(
      wholeLines(
        `[pipeline]   ⏸ release ${SHOWN} is not approved for prod yet. Approve it for prod? Not approved: the pipeline stops here; nothing was deployed to prod.`,
        `[pipeline]     Approve and go on: run the pipeline again with --approve (or ${CLI} approve prod --from staging, then run it again)`,
      ),
    );
    expect(existsSync(join(dir, 'prod-deployed'))).toBe(false);
    expect(readFileSync(join(dir, 'approvals', 'prod.txt'), 'utf8')).not.toContain(DIGEST);
  });

  test('--approve records the exact digest, and the next run finds it approved', async () => {
    const first = await run(gated(), { approve: true });
    expect(first.result).toBe(StageResult.PASSED);
    expect(first.stages.find((s) => s.stage === 'approve-prod')?.note).toBe('approved in this run');
    expect(readFileSync(join(dir, 'approvals', 'prod.txt'), 'utf8')).toMatch(
      new RegExp(
        `^${DIGEST} # release ${releaseId(RELEASE)} approved by .*: verified by staging$`,
        'm',
      ),
    );
    expect(existsSync(join(dir, 'prod-deployed'))).toBe(true);

    const second = await run(gated());
    expect(second.result).toBe(StageResult.PASSED);
    expect(second.stages.find((s) => s.stage === 'approve-prod')?.note).toBe('already approved');
    expect(second.printed).toMatch(
      wholeLines(`[pipeline]   [approve] release ${SHOWN} is already approved for prod`),
    );
  });

  test('a person asked at the gate decides', async () => {
    const questions: string[] = [];
    const no = await run(gated(), { ask: async (q) => (questions.push(q), false) });
    expect(no.result).toBe(StageResult.WAITING);
    expect(questions).toEqual([
      `release ${SHOWN} is not approved for prod yet. Approve it for prod?`,
    ]);
    const yes = await run(gated(), { ask: async () => true });
    expect(yes.result).toBe(StageResult.PASSED);
    expect(existsSync(join(dir, 'prod-deployed'))).toBe(true);
  });

  test('a gate whose upstream verified nothing fails, with the reason', async () => {
    rmSync(join(dir, '.pipeline', 'state', 'staging.tfstate'));
    const result = await run(gated(), { approve: true });
    expect(result.results['approve-prod']).toBe('failed');
    expect(result.printed).toMatch(
      wholeLines(
        '[pipeline]   ✘ checking the approval failed (exit 1); its output:',
        "[pipeline]   │ [approve] error: stage 'staging' has not been deployed here (no state at .pipeline/state/staging.tfstate), so it has verified no release.",
        '[pipeline]   │ [approve] fix: Deploy it first: cdktf-pipeline deploy staging.',
      ),
    );
  });

  test('merge request runs pass the id to the stages', async () => {
    const pipeline = new DeliveryPipeline({ name: 'p', setupCommands: ['true'] });
    pipeline.addStage('review', {
      ...shell('r', 'echo "$PIPELINE_REVIEW_ID" > id'),
      trigger: StageTrigger.mergeRequest(),
    });
    const result = await run(pipeline, {
      event: PipelineEvent.MERGE_REQUEST,
      mergeRequestId: '42',
    });
    expect(result.results).toEqual({ review: 'passed' });
    expect(readFileSync(join(dir, 'id'), 'utf8')).toBe('42\n');
  });

  test('a merge request run without a valid id is refused before anything runs', () => {
    expect(
      () =>
        new LocalRunner({
          pipeline: gated(),
          cwd: dir,
          event: PipelineEvent.MERGE_REQUEST_CLOSED,
          mergeRequestId: 'A B',
        }),
    ).toThrow(
      new Error(
        "1 configuration problem; nothing was deployed:\n  - local runner: 'mergeRequestId' must be lowercase letters, digits and '-' for a merge-request-closed run, got 'A B'. Pass the merge request's id, e.g. --merge-request 42.",
      ),
    );
  });
});
