import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { GithubWorkflowRenderer, GitlabCiRenderer, PipelineEvent } from '../../lib';
import { deliveryPipeline } from '../../stacks/sample-pipeline';
import { sh } from '../helpers/cli';
import { PROJECT_ROOT } from '../helpers/test-app';

const source = 'stacks/sample-pipeline.ts';
const files: [string, string][] = [
  ['.gitlab-ci.yml', new GitlabCiRenderer({ source }).render(deliveryPipeline())],
  [
    '.github/workflows/deploy.yml',
    new GithubWorkflowRenderer({ source }).render(deliveryPipeline()),
  ],
];

describe('the sample delivery pipeline', () => {
  test.each(files)(
    'the committed %s is what the model renders now (cdktf-pipeline render)',
    (path, content) => {
      expect(readFileSync(join(PROJECT_ROOT, path), 'utf8')).toBe(content);
    },
  );

  test('the committed .github/workflows/deploy.yml passes @actions/workflow-parser', async () => {
    expect(
      await sh('node', ['scripts/validate-workflow.mjs', '.github/workflows/deploy.yml']),
    ).toEqual({ code: 0, output: '[workflow] .github/workflows/deploy.yml: valid\n' });
  });

  test('a push runs checks, the image once, dev, then staging and dev configuration, approval, prod, post-deployment tests', () => {
    const waves = deliveryPipeline()
      .waves(PipelineEvent.PUSH)
      .map((w) => w.map((s) => s.id));
    expect(waves).toEqual([
      ['lint', 'unit-tests'],
      ['build-image'],
      ['dev'],
      ['configure-dev', 'staging'],
      ['approve-prod'],
      ['prod'],
      ['verify-prod'],
    ]);
  });

  test('a merge request gets checks, the image and its review environment; closing it stops that', () => {
    const ids = (event: PipelineEvent) =>
      deliveryPipeline()
        .stagesFor(event)
        .map((s) => s.id);
    expect(ids(PipelineEvent.MERGE_REQUEST)).toEqual([
      'lint',
      'unit-tests',
      'build-image',
      'review',
    ]);
    expect(ids(PipelineEvent.MERGE_REQUEST_CLOSED)).toEqual(['stop-review']);
    expect(ids(PipelineEvent.SCHEDULE)).toEqual(['expire-reviews', 'drift']);
  });

  test('review environments stop on close and after three days', () => {
    expect(deliveryPipeline().stage('review')?.environment).toEqual({
      name: 'review/${PIPELINE_REVIEW_ID}',
      onStop: 'stop-review',
      autoStopIn: '3 days',
    });
  });

  test('prod deploys only the digest staging verified, after its approval, and is load-checked', () => {
    const pipeline = deliveryPipeline();
    expect(pipeline.stage('approve-prod')?.approval?.approval).toEqual({
      environment: 'prod',
      digestFrom: 'staging',
    });
    expect(pipeline.stage('prod')?.needs.map((s) => s.id)).toEqual(['approve-prod']);
    expect(pipeline.stage('verify-prod')?.steps.map((s) => s.cliArgs)).toEqual([
      ['check', 'prod', '--load', '200', '--concurrency', '10', '--p95-ms', '1000'],
    ]);
  });
});
