import { PipelineStep, StepKind } from '../../lib';

describe('PipelineStep', () => {
  test('deploy, destroy and approve run the project scripts; $VARIABLES stay expandable', () => {
    expect(PipelineStep.deploy('dev').commands).toEqual(['scripts/deploy dev']);
    expect(PipelineStep.deploy('review-${PIPELINE_REVIEW_ID}').commands).toEqual([
      'scripts/deploy "review-${PIPELINE_REVIEW_ID}"',
    ]);
    expect(PipelineStep.destroy('review-7').commands).toEqual(['scripts/destroy review-7']);
    const approve = PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' });
    expect(approve.commands).toEqual(['scripts/approve prod --from staging']);
    expect(approve.approvalCheckCommand).toBe('scripts/approve prod --from staging --check');
    expect(approve.kind).toBe(StepKind.APPROVE);
  });

  test('words with spaces or quotes are quoted for sh', () => {
    expect(
      PipelineStep.ansiblePlaybook({ stack: 'dev', playbook: "my book's.yml" }).commands,
    ).toEqual(["scripts/ansible-step dev 'my book'\\''s.yml'"]);
  });

  test('check: smoke tests only, unless a load check is asked for', () => {
    const smoke = PipelineStep.check('dev');
    expect(smoke.commands).toEqual(['scripts/check dev']);
    expect(smoke.description).toBe('smoke tests of dev');
    expect(PipelineStep.check('prod', { loadRequests: 50 }).commands).toEqual([
      'scripts/check prod --load 50 --concurrency 10 --p95-ms 1000',
    ]);
    expect(
      PipelineStep.check('prod', { loadRequests: 50, loadConcurrency: 4, p95Milliseconds: 250 })
        .commands,
    ).toEqual(['scripts/check prod --load 50 --concurrency 4 --p95-ms 250']);
  });

  test('run keeps its commands as written; only approval steps have a check command', () => {
    const step = PipelineStep.run('lint', ['npm run lint', 'echo "$HOME"']);
    expect(step.commands).toEqual(['npm run lint', 'echo "$HOME"']);
    expect(step.kind).toBe(StepKind.RUN);
    expect(step.approvalCheckCommand).toBeUndefined();
  });
});
