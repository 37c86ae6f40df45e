import { DeliveryPipeline, PipelineEvent, PipelineStep, StageTrigger } from '../../../lib';

function sample(): DeliveryPipeline {
  const pipeline = new DeliveryPipeline({ name: 'deploy' });
  const checks = pipeline.addWave([], {
    lint: { steps: [PipelineStep.run('lint', ['npm run lint'])] },
    test: { steps: [PipelineStep.run('test', ['npm test'])] },
  });
  const image = pipeline.addStage('build-image', {
    steps: [PipelineStep.deploy('image')],
    needs: checks,
  });
  pipeline.addStage('review', {
    steps: [PipelineStep.deploy('review-${PIPELINE_REVIEW_ID}')],
    needs: [image],
    trigger: StageTrigger.mergeRequest(),
  });
  const dev = pipeline.addStage('dev', {
    steps: [PipelineStep.deploy('dev')],
    needs: [image],
    trigger: StageTrigger.defaultBranch(),
  });
  pipeline.addWave([dev], {
    configure: {
      steps: [PipelineStep.run('configure', ['true'])],
      trigger: StageTrigger.defaultBranch(),
    },
    staging: { steps: [PipelineStep.deploy('staging')], trigger: StageTrigger.defaultBranch() },
  });
  return pipeline;
}

describe('DeliveryPipeline', () => {
  test('defaults: no setup commands, the CLI through npx, default branch main, a nightly schedule', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    expect(pipeline.setupCommands).toEqual([]);
    expect(pipeline.cli).toBe('npx cdktf-pipeline');
    expect(pipeline.defaultBranch).toBe('main');
    expect(pipeline.schedule).toBe('17 3 * * *');
  });

  test('a stage without a trigger runs on pushes and merge requests, with no needs and its id as title', () => {
    const stage = new DeliveryPipeline({ name: 'p' }).addStage('lint', {
      steps: [PipelineStep.run('lint', ['true'])],
    });
    expect(stage.trigger.events).toEqual([PipelineEvent.PUSH, PipelineEvent.MERGE_REQUEST]);
    expect(stage.needs).toEqual([]);
    expect(stage.title).toBe('lint');
    expect(stage.environment).toBeUndefined();
  });

  test('waves group the stages of one event by what they need', () => {
    const ids = (event: PipelineEvent) =>
      sample()
        .waves(event)
        .map((wave) => wave.map((s) => s.id));
    expect(ids(PipelineEvent.PUSH)).toEqual([
      ['lint', 'test'],
      ['build-image'],
      ['dev'],
      ['configure', 'staging'],
    ]);
    expect(ids(PipelineEvent.MERGE_REQUEST)).toEqual([
      ['lint', 'test'],
      ['build-image'],
      ['review'],
    ]);
    expect(ids(PipelineEvent.SCHEDULE)).toEqual([]);
  });

  test('a stage knows the stack it deploys and its approval step', () => {
    const pipeline = sample();
    expect(pipeline.stage('dev')?.deployedStack).toBe('dev');
    expect(pipeline.stage('lint')?.deployedStack).toBeUndefined();
    const staging = pipeline.stage('staging');
    if (!staging) throw new Error('the sample has a staging stage');
    const gate = pipeline.addStage('approve', {
      steps: [PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' })],
      needs: [staging],
      trigger: StageTrigger.defaultBranch(),
    });
    expect(gate.approval?.approval).toEqual({ environment: 'prod', digestFrom: 'staging' });
    expect(() => pipeline.validate()).not.toThrow();
  });
});
