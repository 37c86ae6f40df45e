import { sh } from './helpers/cli';

describe('main.ts, the app cdktf runs', () => {
  test('bad environment input (here a bad review id, and two review ids that share a port) stops synthesis with the problems only, and exit code 1', async () => {
    const result = await sh('node', ['bin/cdktf-pipeline-app.js', 'main.ts'], {
      PIPELINE_REVIEW_IDS: 'Bad_Id,5,2005',
    });
    expect(result).toEqual({
      code: 1,
      output: [
        '2 configuration problems; nothing was deployed:',
        "  - environment 'review-Bad_Id': 'name' must be lowercase letters and digits in dash-separated words, at most 40 characters, got 'review-Bad_Id'. Use a name such as staging or review-42.",
        "  - environment 'review-2005': 'services.web.port' must not overlap the ports of environment 'review-5' service 'web' (20020-20020) on the same host, got 20020. Pick a free port range for 'review-2005'.",
        '',
      ].join('\n'),
    });
  });
});
