import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { parse } from 'yaml';

import { GithubWorkflowRenderer } from '../../../lib';
import { sh } from '../../helpers/cli';
import { fixturePipeline } from '../../helpers/test-app';

type Job = Record<string, unknown>;
const text = new GithubWorkflowRenderer().render(fixturePipeline());
const workflow = parse(text) as { on: unknown; jobs: Record<string, Job>; permissions: unknown };

/** Runs GitHub's workflow parser (scripts/validate-workflow.mjs) on a workflow's text. */
async function validate(content: string) {
  const dir = mkdtempSync(join(tmpdir(), 'workflow-'));
  try {
    writeFileSync(join(dir, 'deploy.yml'), content);
    return await sh('node', ['scripts/validate-workflow.mjs', join(dir, 'deploy.yml')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('GithubWorkflowRenderer', () => {
  test('passes @actions/workflow-parser', async () => {
    const result = await validate(text);
    expect(result.output).toMatch(/deploy\.yml: valid/);
    expect(result.code).toBe(0);
  });

  test('the parser does reject a broken workflow (a job needing a job that does not exist)', async () => {
    const result = await validate(text.replace('      - build-image\n', '      - no-such-job\n'));
    expect(result.code).toBe(1);
    expect(result.output).toContain('no-such-job');
  });

  test('the state store comes from a repository variable and its connection from a secret', () => {
    expect((parse(text) as { env: unknown }).env).toEqual({
      PIPELINE_STATE: '${{ vars.PIPELINE_STATE }}',
      PG_CONN_STR: '${{ secrets.PG_CONN_STR }}',
    });
  });

  test('triggers: default-branch pushes, pull requests (closing too), the schedule; read-only token', () => {
    expect(workflow.on).toEqual({
      push: { branches: ['main'] },
      pull_request: { types: ['opened', 'synchronize', 'reopened', 'closed'] },
      schedule: [{ cron: '17 3 * * *' }],
    });
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  test('jobs: needs for the order, self-hosted runners by default, setup after checkout', () => {
    expect(Object.keys(workflow.jobs)).toEqual([
      'lint',
      'build-image',
      'review',
      'stop-review',
      'dev',
      'staging',
      'prod',
    ]);
    expect(workflow.jobs['build-image'].needs).toEqual(['lint']);
    expect(workflow.jobs.lint['runs-on']).toEqual(['self-hosted', 'linux']);
    expect((workflow.jobs.lint.steps as Job[]).slice(0, 2)).toEqual([
      { uses: 'actions/checkout@v4', with: { clean: false } },
      { name: 'scripts/setup', run: 'scripts/setup' },
    ]);
    const custom = parse(
      new GithubWorkflowRenderer({ runsOn: ['deploy-host'] }).render(fixturePipeline()),
    ) as typeof workflow;
    expect(custom.jobs.lint['runs-on']).toEqual(['deploy-host']);
  });

  test('prod: its environment (protection rules are the approval), a concurrency group, approve then deploy', () => {
    const prod = workflow.jobs.prod;
    expect(prod).toMatchObject({
      if: "github.event_name == 'push'",
      needs: ['build-image', 'staging'],
      environment: { name: 'prod', url: '${{ steps.deploy.outputs.url }}' },
      concurrency: { group: 'environment-prod', 'cancel-in-progress': false },
      env: { PIPELINE_RELEASE: '${{ needs.build-image.outputs.release }}' },
    });
    expect((prod.steps as Job[]).slice(2)).toEqual([
      {
        name: "approve staging's verified release for prod",
        run: 'npx cdktf-pipeline approve prod --from staging --release "$PIPELINE_RELEASE"',
      },
      {
        name: 'deploy prod',
        id: 'deploy',
        run: 'npx cdktf-pipeline deploy prod --release "$PIPELINE_RELEASE"',
      },
      // What runs where, as the job's summary, even when the deploy fails.
      {
        name: 'status summary',
        if: 'always()',
        run: 'npx cdktf-pipeline status --markdown --html .pipeline/status.html',
      },
      // The HTML report is kept, even when the deploy fails.
      {
        name: 'keep the status report',
        if: 'always()',
        uses: 'actions/upload-artifact@v4',
        with: { name: 'status-prod', path: '.pipeline/status.html', 'if-no-files-found': 'ignore' },
      },
      // The approval record it writes is kept, even when the deploy fails.
      {
        name: 'keep the approval record',
        if: 'always()',
        uses: 'actions/upload-artifact@v4',
        with: {
          name: 'approval-prod',
          path: '.pipeline/approvals/',
          'if-no-files-found': 'ignore',
        },
      },
    ]);
  });

  test("the run's release: the image job's output, read by every job that promotes it", () => {
    expect(workflow.jobs['build-image']).toMatchObject({
      outputs: { release: '${{ steps.deploy.outputs.release }}' },
    });
    expect(workflow.jobs['build-image']).not.toHaveProperty('env');
    expect((workflow.jobs['build-image'].steps as Job[]).slice(2)).toEqual([
      {
        name: 'build, test and push the images (image)',
        id: 'deploy',
        run: 'npx cdktf-pipeline deploy image',
      },
    ]);
    expect(workflow.jobs.staging).toMatchObject({
      needs: ['build-image', 'dev'],
      env: { PIPELINE_RELEASE: '${{ needs.build-image.outputs.release }}' },
    });
    expect(workflow.jobs.lint).not.toHaveProperty('env');
  });

  test('review: per pull request, torn down when it closes', () => {
    expect(workflow.jobs.review).toMatchObject({
      if: "(github.event_name == 'pull_request' && github.event.action != 'closed')",
      environment: { name: 'review/${{ github.event.pull_request.number }}' },
      env: { PIPELINE_REVIEW_ID: '${{ github.event.pull_request.number }}' },
    });
    expect(workflow.jobs['stop-review']).toMatchObject({
      if: "(github.event_name == 'pull_request' && github.event.action == 'closed')",
      environment: { name: 'review/${{ github.event.pull_request.number }}' },
    });
    expect(workflow.jobs['stop-review']).not.toHaveProperty('needs');
    expect(workflow.jobs['stop-review']).not.toHaveProperty('env.PIPELINE_RELEASE');
    expect(workflow.jobs.dev.env).toEqual({
      PIPELINE_RELEASE: '${{ needs.build-image.outputs.release }}',
    });
  });

  test('secrets by name only: each from the GitHub secret of that name, the passphrase from STATE_PASSPHRASE', () => {
    const doc = parse(
      new GithubWorkflowRenderer({ secrets: ['API_TOKEN'] }).render(fixturePipeline()),
    ) as { env: Record<string, string> };
    expect(doc.env).toEqual({
      PIPELINE_STATE: '${{ vars.PIPELINE_STATE }}',
      PG_CONN_STR: '${{ secrets.PG_CONN_STR }}',
      TF_VAR_secret_api_token: '${{ secrets.API_TOKEN }}',
      TF_VAR_state_passphrase: '${{ secrets.STATE_PASSPHRASE }}',
    });
  });
});
