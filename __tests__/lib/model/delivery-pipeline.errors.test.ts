import { DeliveryPipeline, PipelineStep, StageTrigger } from '../../../lib';
import { problemsOf } from '../../helpers/test-app';

const step = PipelineStep.run('noop', ['true']);

describe('DeliveryPipeline validation', () => {
  test('a stage id that is not kebab-case', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('Build Image', { steps: [step] });
    // The whole message, compared for equality (an Error given to toThrow is not a substring).
    expect(() => pipeline.validate()).toThrow(
      new Error(
        "1 configuration problem; nothing was deployed:\n  - pipeline 'deploy', stage 'Build Image': 'id' must be kebab-case (a-z, 0-9, -), at most 63 characters, starting with a letter, got 'Build Image'. Rename the stage; the id is its CI job name.",
      ),
    );
  });

  test('two stages with one id', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('dev', { steps: [step] });
    pipeline.addStage('dev', { steps: [step] });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'dev': 'id' must be unique in the pipeline, got 'dev'. Give each stage its own id.",
    ]);
  });

  test('a stage with no step', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('empty', { steps: [] });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'empty': 'steps' must have at least one step, got []. Add a PipelineStep, or remove the stage.",
    ]);
  });

  test('needing a stage of another pipeline', () => {
    const other = new DeliveryPipeline({ name: 'other' }).addStage('image', { steps: [step] });
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('dev', { steps: [step], needs: [other] });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'dev': 'needs' may only name stages added to this pipeline before it, got 'image'. Add stage 'image' to this pipeline before 'dev'.",
    ]);
  });

  test('needing a stage that does not run on every event this one runs on', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    const dev = pipeline.addStage('dev', { steps: [step], trigger: StageTrigger.defaultBranch() });
    pipeline.addStage('review', { steps: [step], needs: [dev] });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'review': 'needs' names a stage that does not run on every event this stage runs on (merge-request), got 'dev'. Give 'dev' a trigger that covers merge-request, or drop it from needs.",
    ]);
  });

  test('an approval stage with other steps', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('prod', {
      steps: [
        PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' }),
        PipelineStep.deploy('prod'),
      ],
    });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'prod': 'steps' of an approval stage must be exactly one PipelineStep.approve, got [\"approve\",\"deploy\"]. Put the approval in a stage of its own, and make the deploying stage need it.",
    ]);
  });

  test('an environment whose on-stop stage does not exist or does not stop it', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('review', {
      steps: [step],
      environment: { name: 'review/1', onStop: 'stop-review' },
    });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'review': 'environment.onStop' must name a stage of this pipeline whose environment has stops: true, got 'stop-review'. Add the stop stage, or correct the id.",
    ]);
  });

  test('every problem is listed in one error', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('A', { steps: [] });
    pipeline.addStage('A', { steps: [step] });
    expect(problemsOf(() => pipeline.validate())).toEqual([
      "pipeline 'deploy', stage 'A': 'id' must be kebab-case (a-z, 0-9, -), at most 63 characters, starting with a letter, got 'A'. Rename the stage; the id is its CI job name.",
      "pipeline 'deploy', stage 'A': 'steps' must have at least one step, got []. Add a PipelineStep, or remove the stage.",
      "pipeline 'deploy', stage 'A': 'id' must be kebab-case (a-z, 0-9, -), at most 63 characters, starting with a letter, got 'A'. Rename the stage; the id is its CI job name.",
      "pipeline 'deploy', stage 'A': 'id' must be unique in the pipeline, got 'A'. Give each stage its own id.",
    ]);
  });
});
