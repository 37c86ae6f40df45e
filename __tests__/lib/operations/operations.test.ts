import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  OperationError,
  Operations,
  ProgressEvent,
  Prompt,
  UsageError,
} from '../../../lib/operations';
import { DEPLOYED_RELEASE, engineStandIn, writeDeployedState } from '../../helpers/engine-stand-in';
import { projectCopy } from '../../helpers/project-copy';

/**
 * The operations API as a program of a user's calls it: a copy of the sample where dev looks
 * deployed, an engine that records its calls and changes nothing, and a prompt of the test's own.
 */
let dir: string;
let engine: ReturnType<typeof engineStandIn>;
let saved: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await projectCopy('operations-api-');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  saved = { ...process.env };
  engine = engineStandIn();
  Object.assign(process.env, engine.env);
  writeDeployedState(dir, 'dev', 8080);
});
afterEach(() => {
  process.env = saved;
});

/** Operations in the copy that collect their progress and answer every question with `yes`. */
function operations(yes: boolean) {
  const progress: ProgressEvent[] = [];
  const questions: string[] = [];
  const prompt: Prompt = {
    ask: async (question) => (questions.push(question), yes),
    answer: async (question) => (questions.push(question), ''),
  };
  return {
    progress,
    questions,
    operations: new Operations({ root: dir, onProgress: (e) => progress.push(e), prompt }),
  };
}

/** The engine's calls that could change something: all but `version` and `init`. */
const changes = () => engine.calls().filter((call) => !/^(version|init)\b/.test(call));

describe('Operations', () => {
  test('destroy lists what goes and asks the prompt; answered no, it rejects and the engine destroys nothing', async () => {
    const { operations: ops, progress, questions } = operations(false);
    const refused = ops.destroy({ stacks: ['dev'] });
    await expect(refused).rejects.toThrow(
      new OperationError('not confirmed: nothing was destroyed.', 'Answer y to destroy.'),
    );
    await expect(refused).rejects.toMatchObject({ fix: 'Answer y to destroy.', exitCode: 1 });
    expect(questions).toEqual(['Destroy dev?']);
    expect(progress.slice(0, 2)).toEqual([
      { operation: 'destroy', level: 'info', message: 'this destroys:' },
      {
        operation: 'destroy',
        level: 'info',
        message: expect.stringMatching(
          /^ {2}dev \(environment\): runs release [0-9a-f]{12} \(api sha256:343434343434, web sha256:121212121212\); web at http:\/\/127\.0\.0\.1:8080; state \.pipeline\/state\/dev\.tfstate$/,
        ),
      },
    ]);
    expect(changes()).toEqual([]);
  });

  test('destroy answered yes runs the engine in dev and resolves with what it destroyed', async () => {
    const { operations: ops, progress } = operations(true);
    expect(await ops.destroy({ stacks: ['dev'] })).toEqual({ destroyed: ['dev'] });
    expect(changes()).toEqual(['destroy -auto-approve -input=false -no-color']);
    expect(progress.at(-1)).toEqual({
      operation: 'destroy',
      level: 'info',
      message: 'destroyed dev',
    });
  });

  test('status resolves with the view the CLI prints as JSON', async () => {
    const view = await operations(true).operations.status();
    expect(view.environments.find((e) => e.environment === 'dev')).toMatchObject({
      deployed: true,
      runs: DEPLOYED_RELEASE,
      verified: true,
      url: 'http://127.0.0.1:8080',
    });
  });

  test('a stack the app does not have is a UsageError before anything runs', async () => {
    const refused = operations(true).operations.deploy({ stacks: ['nowhere'] });
    await expect(refused).rejects.toBeInstanceOf(UsageError);
    await expect(refused).rejects.toMatchObject({
      message: "the app has no stack 'nowhere' (stacks: image, dev, staging, prod).",
      fix: 'Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline deploy dev.',
      exitCode: 64,
    });
    expect(engine.calls()).toEqual([]);
  });

  test('a delivery.json of another version is refused, naming both versions', async () => {
    // An app that writes a manifest of a newer package.
    const app = mkdtempSync(join(tmpdir(), 'newer-app-'));
    const script = join(app, 'app.js');
    writeFileSync(
      script,
      "require('fs').writeFileSync(require('path').join(process.env.CDKTF_OUTDIR, 'delivery.json'), JSON.stringify({ version: 2, stages: [] }));\n",
    );
    try {
      const ops = new Operations({ root: dir, app: `node ${script}` });
      await expect(ops.history()).rejects.toMatchObject({
        message: 'the app synthesized a delivery manifest of version 2; this CLI reads version 1.',
        fix: 'Run the CLI of the same cdktf-deployment-pipeline version as the app imports (npx cdktf-pipeline from the project).',
      });
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
});
