import { PipelineStep } from '../../../lib';
import { StepKind } from '../../../lib/model/pipeline-step';

describe('PipelineStep', () => {
  test('deploy, destroy, check, ansible, approve and expire-reviews are commands of the CLI', () => {
    expect(PipelineStep.deploy('dev')).toMatchObject({
      kind: StepKind.DEPLOY,
      stack: 'dev',
      cliArgs: ['deploy', 'dev'],
      commands: [],
      publishesRelease: false,
    });
    // The image stage's deploy, whose digest is the pipeline run's.
    expect(PipelineStep.buildImage('image')).toMatchObject({
      kind: StepKind.DEPLOY,
      stack: 'image',
      cliArgs: ['deploy', 'image'],
      description: 'build, test and push the images (image)',
      publishesRelease: true,
    });
    expect(PipelineStep.destroy('review-7').cliArgs).toEqual(['destroy', 'review-7', '--yes']);
    const approve = PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' });
    expect(approve).toMatchObject({
      kind: StepKind.APPROVE,
      stack: 'staging',
      cliArgs: ['approve', 'prod', '--from', 'staging'],
      approval: { environment: 'prod', digestFrom: 'staging' },
    });
    expect(PipelineStep.ansiblePlaybook({ stack: 'dev', playbook: 'a/b.yml' }).cliArgs).toEqual([
      'ansible',
      'dev',
      'a/b.yml',
    ]);
    expect(PipelineStep.expireReviews('3 days')).toMatchObject({
      kind: StepKind.EXPIRE_REVIEWS,
      cliArgs: ['expire-reviews', '3 days', '--yes'],
      description: 'destroy review environments idle for 3 days',
    });
  });

  test('check: smoke tests only, unless a load check is asked for; load defaults 10 at a time, p95 1000 ms', () => {
    const smoke = PipelineStep.check('dev');
    expect(smoke.cliArgs).toEqual(['check', 'dev']);
    expect(smoke.description).toBe('smoke tests of dev');
    expect(PipelineStep.check('prod', { loadRequests: 50 }).cliArgs).toEqual([
      'check',
      'prod',
      '--load',
      '50',
      '--concurrency',
      '10',
      '--p95-ms',
      '1000',
    ]);
    expect(
      PipelineStep.check('prod', { loadRequests: 50, loadConcurrency: 4, p95Milliseconds: 250 })
        .cliArgs,
    ).toEqual(['check', 'prod', '--load', '50', '--concurrency', '4', '--p95-ms', '250']);
  });

  test('run keeps its commands as written and has no CLI arguments', () => {
    const step = PipelineStep.run('lint', ['npm run lint', 'echo "$HOME"']);
    expect(step.commands).toEqual(['npm run lint', 'echo "$HOME"']);
    expect(step.kind).toBe(StepKind.RUN);
    expect(step.cliArgs).toEqual([]);
    expect(step.approval).toBeUndefined();
  });
});
