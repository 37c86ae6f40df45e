import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sh } from '../helpers/cli';

/**
 * The API report guards the public surface: the package's declarations, built into a folder of
 * their own, match the reports in etc/; with one export more they do not, and the check says what
 * to do.
 */
describe('scripts/api-report.js', () => {
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'api-report-'));
    const build = await sh('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', dist]);
    expect(build).toEqual({ code: 0, output: '' });
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  test('the built declarations match the reports', async () => {
    expect(await sh('node', ['scripts/api-report.js', '--dist', dist])).toEqual({
      code: 0,
      output:
        'api: index: as in etc/cdktf-deployment-pipeline.api.md\n' +
        'api: testing: as in etc/cdktf-deployment-pipeline.testing.api.md\n' +
        'api: operations: as in etc/cdktf-deployment-pipeline.operations.api.md\n',
    });
  });

  test('an export added without updating the report fails the check, naming the report and the fix', async () => {
    appendFileSync(
      join(dist, 'testing', 'index.d.ts'),
      '/** Added. */\nexport declare const added: number;\n',
    );
    expect(await sh('node', ['scripts/api-report.js', '--dist', dist])).toEqual({
      code: 1,
      output:
        'api: index: as in etc/cdktf-deployment-pipeline.api.md\n' +
        'api: operations: as in etc/cdktf-deployment-pipeline.operations.api.md\n' +
        'api: testing: the public surface differs from etc/cdktf-deployment-pipeline.testing.api.md. If the change is meant, run npm run api and commit the report with it.\n',
    });
  });
});
