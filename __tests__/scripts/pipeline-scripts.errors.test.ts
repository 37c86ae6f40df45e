import { sh } from '../helpers/cli';

/** The helper scripts the pipeline's steps run: bad input stops them with the problem and the fix. */
describe('pipeline step scripts, bad input', () => {
  test('scripts/check without a stack', async () => {
    expect(await sh('scripts/check', [])).toEqual({
      code: 1,
      output:
        '[check] error: name the stack to check.\n[check] fix: Run e.g. scripts/check dev, or scripts/check prod --load 200.\n',
    });
  });

  test('scripts/check of a stack that was never deployed', async () => {
    expect(await sh('scripts/check', ['never-deployed'])).toEqual({
      code: 1,
      output:
        "[check] error: stack 'never-deployed' has not been deployed here (no state at .pipeline/state/never-deployed.tfstate).\n" +
        '[check] fix: Deploy it first: npm run deploy -- never-deployed.\n',
    });
  });

  test('scripts/approve --from a stage that verified nothing here', async () => {
    const result = await sh('scripts/approve', ['prod', '--from', 'never-deployed']);
    expect(result).toEqual({
      code: 1,
      output:
        "[approve] error: stage 'never-deployed' has not been deployed here (no state at .pipeline/state/never-deployed.tfstate), so it has verified no digest.\n" +
        '[approve] fix: Deploy it first: npm run deploy -- never-deployed.\n',
    });
  });

  test('scripts/ansible-step with a playbook that does not exist', async () => {
    expect(await sh('scripts/ansible-step', ['dev', 'ansible/nope.yml'])).toEqual({
      code: 1,
      output:
        "[ansible] error: playbook 'ansible/nope.yml' does not exist.\n" +
        '[ansible] fix: Give its path from the project root, e.g. ansible/register-endpoints.yml.\n',
    });
  });

  test('scripts/expire-reviews with a time to live date(1) cannot read', async () => {
    expect(await sh('scripts/expire-reviews', ['soon'])).toEqual({
      code: 1,
      output:
        "[expire-reviews] error: the time to live must be a duration date(1) reads, got 'soon'.\n" +
        "[expire-reviews] fix: Write it like '3 days' or '12 hours'.\n",
    });
  });

  test('npm run pipeline with an unknown option runs nothing', async () => {
    const result = await sh('npm', ['run', '-s', 'pipeline', '--', '--deploy-everything']);
    expect(result).toEqual({
      code: 1,
      output:
        "1 configuration problem; nothing was deployed:\n  - npm run pipeline: unknown argument '--deploy-everything'. usage: npm run pipeline -- [--approve] [--merge-request ID | --close-merge-request ID | --schedule]\n",
    });
  });

  test('npm run pipeline:render -- --check finds the committed files up to date', async () => {
    expect(await sh('npm', ['run', '-s', 'pipeline:render', '--', '--check'])).toEqual({
      code: 0,
      output:
        '[render] .gitlab-ci.yml is up to date\n[render] .github/workflows/deploy.yml is up to date\n',
    });
  });
});
