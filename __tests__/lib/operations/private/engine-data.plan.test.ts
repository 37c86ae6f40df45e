import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { engineDataOf, runInitialised } from '../../../../lib/operations/private/engine-data';
import { engineBinary } from '../../../../lib/private/engine';
import { runCollected, runLogged } from '../../../../lib/private/process';

let work: string;
let stackDir: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'engine-data-plan-'));
  stackDir = join(work, 'out', 'stacks', 'dev');
  mkdirSync(stackDir, { recursive: true });
  // A stack that needs init: a backend, and the Docker provider from the offline mirror.
  writeFileSync(
    join(stackDir, 'cdk.tf.json'),
    JSON.stringify({
      terraform: {
        backend: { local: { path: join(work, 'dev.tfstate') } },
        required_providers: { docker: { source: 'kreuzwerker/docker' } },
      },
      provider: { docker: [{}] },
      resource: { terraform_data: { marker: { input: 'dev' } } },
    }),
  );
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

/**
 * A plan of the stack with the kept engine data, as the CLI runs it (written to a plan file, which
 * the CLI then reads with `show` in the same environment): its log, what it told, and what `show`
 * found in the plan file.
 */
async function plan(): Promise<{ code: number; log: string; again: number; shown: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, TF_IN_AUTOMATION: '1' };
  const logFile = join(work, 'logs', 'plan-dev.log');
  let again = 0;
  const { code } = await runInitialised(
    engineDataOf(work, 'dev', stackDir),
    env,
    [['plan', '-input=false', '-no-color', '-out=changes.tfplan']],
    async (args) =>
      (await runLogged(engineBinary(), args, { cwd: stackDir, env, logFile, append: true })).code,
    { file: logFile, root: work, again: () => again++ },
  );
  const show = await runCollected(
    engineBinary(),
    ['show', '-json', '-no-color', 'changes.tfplan'],
    {
      cwd: stackDir,
      env,
    },
  );
  const shown =
    show.code === 0
      ? (JSON.parse(show.output) as { resource_changes: { address: string }[] }).resource_changes
          .map((c) => c.address)
          .join(', ')
      : `show failed: ${show.output}`;
  return { code, log: readFileSync(logFile, 'utf8'), again, shown };
}

describe("the engine's kept data, with the engine", () => {
  test('the first run initialises; the next runs without init; after each, the environment given reaches the kept data', async () => {
    const first = await plan();
    expect(first.code).toBe(0);
    expect(first.log).toContain('OpenTofu has been successfully initialized!');
    expect(first.log).toContain('1 to add');
    expect(first.shown).toBe('terraform_data.marker');

    const second = await plan();
    expect(second.code).toBe(0);
    expect(second.log).toMatch(
      /^init skipped: the engine's data of dev is initialised for this configuration \(engine\/dev-[0-9a-f]{16}\)\n/,
    );
    expect(second.log).not.toContain('successfully initialized');
    expect(second.log).toContain('1 to add');
    expect(second.again).toBe(0);
    expect(second.shown).toBe('terraform_data.marker');
  });

  test('kept data that no longer fits (its provider gone): the engine asks for init, and gets it, once', async () => {
    expect((await plan()).code).toBe(0);
    const data = engineDataOf(work, 'dev', stackDir);
    rmSync(join(data.directory, 'data', 'providers'), { recursive: true, force: true });

    const healed = await plan();
    expect(healed.again).toBe(1);
    expect(healed.code).toBe(0);
    expect(healed.log).toContain('OpenTofu has been successfully initialized!');
    expect(healed.log).toContain('1 to add');
    expect((await plan()).log).toMatch(/^init skipped: /);
  });
});
