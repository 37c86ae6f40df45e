import { DeliveryPipeline, GitlabCiRenderer, PipelineStep } from '../../../lib';
import { problemsOf } from '../../helpers/test-app';

describe('GitlabCiRenderer errors', () => {
  test('a stage named after a GitLab CI keyword', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('image', { steps: [PipelineStep.deploy('image')] });
    pipeline.addStage('variables', { steps: [PipelineStep.run('x', ['true'])] });
    expect(problemsOf(() => new GitlabCiRenderer().render(pipeline))).toEqual([
      "pipeline 'deploy', stage 'image': 'id' must not be a GitLab CI keyword, which cannot name a job, got 'image'. Rename the stage, e.g. 'build-image'.",
      "pipeline 'deploy', stage 'variables': 'id' must not be a GitLab CI keyword, which cannot name a job, got 'variables'. Rename the stage, e.g. 'build-variables'.",
    ]);
  });

  test('the model is validated first', () => {
    const pipeline = new DeliveryPipeline({ name: 'deploy' });
    pipeline.addStage('empty', { steps: [] });
    expect(problemsOf(() => new GitlabCiRenderer().render(pipeline))).toEqual([
      "pipeline 'deploy', stage 'empty': 'steps' must have at least one step, got []. Add a PipelineStep, or remove the stage.",
    ]);
  });
});
