import { DeliveryPipeline, MERGE_REQUEST_ID, PipelineStep, StageTrigger } from '../lib';

/** How long a review environment lives after its merge request's last update. */
export const REVIEW_TIME_TO_LIVE = '3 days';

/**
 * The sample delivery's pipeline, from commit to production. `npm run pipeline:render`
 * (`cdktf-pipeline render`) writes it to .gitlab-ci.yml and .github/workflows/deploy.yml;
 * `npm run pipeline` (`cdktf-pipeline run`) runs it here.
 */
export function deliveryPipeline(): DeliveryPipeline {
  const pipeline = new DeliveryPipeline({
    name: 'deploy',
    // Every job sets the machine up first (idempotent), then takes the toolchain's environment,
    // which puts this checkout's own CLI (built from lib/, not a published copy) on PATH.
    setupCommands: ['scripts/setup', '. ./pipeline.env'],
    cli: 'cdktf-pipeline',
  });

  // Wave 1: independent checks of the source, in parallel in CI.
  const checks = pipeline.addWave([], {
    lint: {
      title: 'lint (types, eslint, prettier)',
      steps: [PipelineStep.run('npm run lint', ['npm run lint'])],
    },
    'unit-tests': {
      title: 'unit tests and snapshots',
      steps: [PipelineStep.run('npm run test:unit', ['npm run test:unit'])],
    },
  });

  // The one build: the image stage builds each image, smoke-tests it inside, pushes it, and
  // publishes the release.
  const image = pipeline.addStage('build-image', {
    title: 'images (each built once, smoke-tested inside, pushed)',
    steps: [PipelineStep.buildImage('image')],
    needs: checks,
  });

  const review = `review-${MERGE_REQUEST_ID}`;
  pipeline.addStage('review', {
    title: 'review environment',
    steps: [PipelineStep.deploy(review), PipelineStep.check(review)],
    needs: [image],
    trigger: StageTrigger.mergeRequest(),
    environment: {
      name: `review/${MERGE_REQUEST_ID}`,
      onStop: 'stop-review',
      autoStopIn: REVIEW_TIME_TO_LIVE,
    },
  });
  pipeline.addStage('stop-review', {
    title: 'stop the review environment',
    steps: [PipelineStep.destroy(review)],
    trigger: StageTrigger.mergeRequestClosed(),
    environment: { name: `review/${MERGE_REQUEST_ID}`, stops: true },
  });
  pipeline.addStage('expire-reviews', {
    title: `expire review environments idle for ${REVIEW_TIME_TO_LIVE}`,
    steps: [PipelineStep.expireReviews(REVIEW_TIME_TO_LIVE)],
    trigger: StageTrigger.schedule(),
  });
  pipeline.addStage('drift', {
    title: 'report drift of every deployed environment',
    steps: [PipelineStep.detectDrift()],
    trigger: StageTrigger.schedule(),
  });

  const dev = pipeline.addStage('dev', {
    title: 'dev + acceptance tests',
    steps: [PipelineStep.deploy('dev'), PipelineStep.check('dev')],
    needs: [image],
    trigger: StageTrigger.defaultBranch(),
    environment: { name: 'dev' },
  });

  // Wave: dev's host configuration and staging need only dev.
  const [, staging] = pipeline.addWave([dev], {
    'configure-dev': {
      title: 'configure dev hosts (Ansible)',
      steps: [
        PipelineStep.ansiblePlaybook({ playbook: 'ansible/register-endpoints.yml', stack: 'dev' }),
      ],
      trigger: StageTrigger.defaultBranch(),
    },
    staging: {
      title: 'staging + acceptance tests',
      steps: [PipelineStep.deploy('staging'), PipelineStep.check('staging')],
      trigger: StageTrigger.defaultBranch(),
      environment: { name: 'staging' },
    },
  });

  const approval = pipeline.addStage('approve-prod', {
    title: 'approval of the staged release for prod',
    steps: [PipelineStep.approve({ environment: 'prod', digestFrom: 'staging' })],
    needs: [staging],
    trigger: StageTrigger.defaultBranch(),
  });
  const prod = pipeline.addStage('prod', {
    title: 'prod',
    steps: [PipelineStep.deploy('prod')],
    needs: [approval],
    trigger: StageTrigger.defaultBranch(),
    environment: { name: 'prod' },
  });
  pipeline.addStage('verify-prod', {
    title: 'post-deployment tests (smoke + load)',
    steps: [PipelineStep.check('prod', { loadRequests: 200, loadConcurrency: 10 })],
    needs: [prod],
    trigger: StageTrigger.defaultBranch(),
  });

  pipeline.validate();
  return pipeline;
}

/** The pipeline that the CLI's `render` and `run` commands read. */
export const pipeline = deliveryPipeline();
