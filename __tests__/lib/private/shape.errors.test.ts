/**
 * Configuration from JavaScript without types, at every entry point beyond the Delivery: a
 * ConfigurationError naming the field, never a TypeError.
 */
import { App, TerraformStack } from 'cdktf';

import {
  Approval,
  ApprovalGate,
  DeliveryPipeline,
  EnvironmentStack,
  GithubWorkflowRenderer,
  GitlabCiRenderer,
  ImageArtifact,
  ImageStack,
  LocalDockerProvider,
  LocalRunner,
  PipelineStep,
  Promotion,
} from '../../../lib';
import { problemsOf } from '../../helpers/test-app';

const stack = () => new TerraformStack(new App(), 's');

describe('bad input at every entry point', () => {
  test.each<[string, () => unknown, string]>([
    [
      'ImageArtifact without a repository',
      () => new ImageArtifact(stack(), 'Service', { context: '/x' } as never),
      "image artifact 'Service': 'repository' must be a string, got nothing. Fix it in the props of the ImageArtifact.",
    ],
    [
      'ImageArtifact with its smoke test as one string',
      () =>
        new ImageArtifact(stack(), 'Service', {
          context: '/x',
          repository: 'r',
          smokeTest: 'true',
        } as never),
      "image artifact 'Service': 'smokeTest' must be a list or left out, got 'true'. Fix it in the props of the ImageArtifact.",
    ],
    [
      'Promotion with a state reader that reads nothing',
      () =>
        new Promotion(stack(), 'Promotion', {
          upstreamStage: 'dev',
          upstreamLocation: '/x',
          stateReader: {},
          howToDeployUpstream: 'x',
        } as never),
      "promotion 'Promotion': 'stateReader' must be made with an IRemoteStateReader, e.g. StateStore.local(), got {}. Fix it in the props of the Promotion.",
    ],
    [
      "ApprovalGate with 'yes' for required",
      () =>
        new ApprovalGate(stack(), 'Approval', {
          images: { app: 'i' },
          required: 'yes',
          approvedReleases: [],
          environment: 'prod',
          howToApprove: 'x',
        } as never),
      "approval gate 'Approval': 'required' must be made with true, false or a Terraform bool variable, got 'yes'. Fix it in the props of the ApprovalGate.",
    ],
    [
      'LocalDockerProvider with a number as host',
      () => new LocalDockerProvider(stack(), 'Docker', { host: 5 } as never),
      "docker provider 'Docker': 'host' must be a string or left out, got 5. Fix it in the props of the LocalDockerProvider.",
    ],
    [
      'ImageStack with null props',
      () => new ImageStack(new App(), 'image', null as never),
      "image stack 'image': 'props' must be an object, got null. Fix it in the props of the ImageStack.",
    ],
    [
      'ImageStack with a number as project root',
      () =>
        new ImageStack(new App(), 'image', {
          context: '/x',
          repository: 'r',
          projectRoot: 1,
        } as never),
      "image stack 'image': 'projectRoot' must be a string, got 1. Fix it in the props of the ImageStack.",
    ],
    [
      'EnvironmentStack without its environment',
      () => new EnvironmentStack(new App(), 'dev', { services: [], projectRoot: '/x' } as never),
      "environment stack 'dev': 'environment' must be an object, got nothing. Fix it in the props of the EnvironmentStack.",
    ],
    [
      "EnvironmentStack whose environment's replicas are NaN",
      () =>
        new EnvironmentStack(new App(), 'dev', {
          environment: {
            name: 'dev',
            upstream: 'image',
            approval: Approval.none(),
            services: { web: { replicas: NaN } },
            source: 'x.ts',
          },
          services: [{ name: 'web', port: 8080 }],
          projectRoot: '/x',
        } as never),
      "environment stack 'dev': 'environment.services.web.replicas' must be a finite number, got NaN. Fix it in the props of the EnvironmentStack.",
    ],
    [
      'DeliveryPipeline without a name',
      () => new DeliveryPipeline({} as never),
      "delivery pipeline: 'name' must be a string, got nothing. Fix it in the props of the DeliveryPipeline.",
    ],
    [
      'a stage without steps',
      () => new DeliveryPipeline({ name: 'd' }).addStage('dev', {} as never),
      "stage 'dev': 'steps' must be a list, got nothing. Fix it where the stage is added (DeliveryPipeline.addStage).",
    ],
    [
      'a stage with a command where a step goes',
      () => new DeliveryPipeline({ name: 'd' }).addStage('dev', { steps: ['deploy dev'] } as never),
      "stage 'dev': 'steps[0]' must be made with PipelineStep.deploy(...) etc., got 'deploy dev'. Fix it where the stage is added (DeliveryPipeline.addStage).",
    ],
    [
      "a stage that needs a stage's id instead of the stage",
      () =>
        new DeliveryPipeline({ name: 'd' }).addStage('dev', {
          steps: [],
          needs: ['image'],
        } as never),
      "stage 'dev': 'needs[0]' must be made with the stage that DeliveryPipeline.addStage returned, got 'image'. Fix it where the stage is added (DeliveryPipeline.addStage).",
    ],
    [
      'a stage whose environment has no name',
      () =>
        new DeliveryPipeline({ name: 'd' }).addStage('dev', {
          steps: [],
          environment: {},
        } as never),
      "stage 'dev': 'environment.name' must be a string, got nothing. Fix it where the stage is added (DeliveryPipeline.addStage).",
    ],
    [
      'PipelineStep.deploy() without a stack',
      () => PipelineStep.deploy(undefined as never),
      "PipelineStep.deploy(): 'stack' must be a string, got nothing. Fix the call of PipelineStep.deploy.",
    ],
    [
      'PipelineStep.run() with one string of commands',
      () => PipelineStep.run('lint', 'npm run lint' as never),
      "PipelineStep.run(): 'commands' must be a list, got 'npm run lint'. Fix the call of PipelineStep.run.",
    ],
    [
      'PipelineStep.check() with a load given as text',
      () => PipelineStep.check('dev', { loadRequests: '200' } as never),
      "PipelineStep.check(): 'options.loadRequests' must be a number or left out, got '200'. Fix the call of PipelineStep.check.",
    ],
    [
      'PipelineStep.approve() without the stage to approve from',
      () => PipelineStep.approve({ environment: 'prod' } as never),
      "PipelineStep.approve(): 'options.digestFrom' must be a string, got nothing. Fix the call of PipelineStep.approve.",
    ],
    [
      'PipelineStep.ansiblePlaybook(null)',
      () => PipelineStep.ansiblePlaybook(null as never),
      "PipelineStep.ansiblePlaybook(): 'options' must be an object, got null. Fix the call of PipelineStep.ansiblePlaybook.",
    ],
    [
      'GitlabCiRenderer with a number as source',
      () => new GitlabCiRenderer({ source: 1 } as never),
      "GitLab CI renderer: 'source' must be a string or left out, got 1. Fix it in the props of the GitlabCiRenderer.",
    ],
    [
      'GithubWorkflowRenderer with one runner label as a string',
      () => new GithubWorkflowRenderer({ runsOn: 'self-hosted' } as never),
      "GitHub workflow renderer: 'runsOn' must be a list or left out, got 'self-hosted'. Fix it in the props of the GithubWorkflowRenderer.",
    ],
    [
      'GithubWorkflowRenderer with a secret name in lowercase',
      () => new GithubWorkflowRenderer({ secrets: ['api_token'] }),
      "GitHub workflow renderer: 'secrets' must be the delivery's secret names: uppercase letters, digits and _, starting with a letter, got 'api_token'. Use the names the services declare, e.g. API_TOKEN.",
    ],
    [
      'LocalRunner without a pipeline',
      () => new LocalRunner({ cwd: '/x' } as never),
      "local runner: 'pipeline' must be made with new DeliveryPipeline(...), got nothing. Fix it in the props of the LocalRunner.",
    ],
    [
      'LocalRunner with an event that does not exist',
      () =>
        new LocalRunner({
          pipeline: new DeliveryPipeline({ name: 'd' }),
          cwd: '/x',
          event: 'push-ish',
        } as never),
      "local runner: 'event' must be made with a PipelineEvent (push, merge-request, merge-request-closed, schedule) or left out, got 'push-ish'. Fix it in the props of the LocalRunner.",
    ],
  ])('%s', (_, make, message) => {
    expect(problemsOf(make)).toEqual([message]);
  });
});
