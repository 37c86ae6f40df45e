import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { sh, until } from '../../helpers/cli';
import { deliveryProject } from '../../helpers/delivery-project';
import { start } from '../../helpers/project-copy';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');

/**
 * An engine that changes nothing and plans one container to create: `show -json` of any plan
 * prints that plan, every other command prints nothing.
 */
function planningEngine(dir: string): string {
  const script = join(dir, 'engine');
  const plan = JSON.stringify({
    resource_changes: [
      { address: 'docker_container.web', change: { actions: ['create'] } },
      { address: 'docker_network.net', change: { actions: ['no-op'] } },
    ],
  });
  writeFileSync(script, `#!/bin/sh\nif [ "$1" = show ]; then echo '${plan}'; fi\n`);
  chmodSync(script, 0o755);
  return script;
}

/**
 * An engine whose apply runs until it is interrupted, as the real one does on a first SIGINT: it
 * says so and ends with 1. It writes `applying` when its apply has begun.
 */
function interruptibleEngine(dir: string): { script: string; applying: string } {
  const script = join(dir, 'interruptible-engine');
  const applying = join(dir, 'applying');
  writeFileSync(
    script,
    [
      '#!/bin/sh',
      '[ "$1" = apply ] || exit 0',
      "trap 'echo Interrupt received.; echo Stopping operation...; exit 1' INT",
      `touch '${applying}'`,
      'while :; do sleep 0.1; done',
    ].join('\n') + '\n',
  );
  chmodSync(script, 0o755);
  return { script, applying };
}

/** The statuses of the table in docs/cli.md, in its order. */
function documentedStatuses(): number[] {
  const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'cli.md'), 'utf8');
  const table = doc.slice(doc.indexOf('**Exit status**'));
  return [...table.matchAll(/^\| (\d+) +\|/gm)].map((m) => Number(m[1]));
}

let dir: string;
let engineDir: string;
beforeAll(() => {
  // staging has verified a release and deployed nothing; prod is behind an approval.
  dir = deliveryProject('exit-codes-');
  engineDir = mkdtempSync(join(tmpdir(), 'planning-engine-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(engineDir, { recursive: true, force: true });
});

/** One command line for each status of the table, and its whole output; 70, a crash, is crash.test.ts's. */
const CASES: readonly [number, string, readonly string[], string][] = [
  [
    0,
    'done',
    ['parity'],
    'parity OK: 2 environment stacks synthesize identical Terraform (staging, prod)\n',
  ],
  [
    1,
    'a failure: staging has not been deployed',
    ['check', 'staging'],
    "[check] error: stack 'staging' has not been deployed here (no state at .pipeline/state/staging.tfstate).\n" +
      '[check] fix: Deploy it first: cdktf-pipeline deploy staging.\n',
  ],
  [
    2,
    'an answer: plan found changes',
    ['plan', 'staging'],
    '[plan] planning staging\n[plan] staging: 1 to add, 0 to change, 0 to destroy\n[plan]   + docker_container.web\n',
  ],
  [
    3,
    'approve --check: not approved yet',
    ['approve', 'prod', '--from', 'staging', '--check'],
    '[approve] release 69f19071e60b (app sha256:abababababab) is not approved for prod yet\n',
  ],
  [
    64,
    'the command line is wrong',
    ['plan'],
    "[plan] error: missing required argument 'stacks'.\n" +
      '[plan] fix: Nothing was done. cdktf-pipeline plan --help shows what it takes.\n',
  ],
];

describe('the exit statuses of docs/cli.md', () => {
  test('the table lists what the cases cover, a crash (70) and an interruption (130)', () => {
    expect(documentedStatuses()).toEqual([...CASES.map(([code]) => code), 70, 130]);
  });

  test('130: a Ctrl-C to the process group lets the engine stop on its own, and the deploy ends interrupted', async () => {
    const engine = interruptibleEngine(engineDir);
    const deploy = start(CLI, ['deploy', 'staging'], { TERRAFORM_BINARY_NAME: engine.script }, dir);
    await until('the engine to apply', () => existsSync(engine.applying), 60);
    process.kill(-deploy.pid, 'SIGINT');
    expect(await deploy.result).toEqual({
      code: 130,
      output:
        '[deploy] deploying staging\n' +
        '[deploy] interrupted: waiting for the engine to stop and record what it did; Ctrl-C again stops at once, leaving it unrecorded.\n' +
        '[deploy] error: deploy staging was interrupted: the engine stopped and recorded what it had done. The full log is .pipeline/logs/deploy-staging.log.\n' +
        '[deploy] fix: Run deploy staging again: it finishes what this one began.\n',
    });
    // The engine heard the one Ctrl-C and ended on its own: the CLI waited for it.
    expect(readFileSync(join(dir, '.pipeline', 'logs', 'deploy-staging.log'), 'utf8')).toMatch(
      /Interrupt received\.\nStopping operation\.\.\.\n$/,
    );
  });

  test.each(CASES)('%i: %s', async (code, _what, args, output) => {
    const env = { TERRAFORM_BINARY_NAME: planningEngine(engineDir) };
    expect(await sh(CLI, args, env, dir)).toEqual({ code, output });
  });

  test('plan --json: what it would change as JSON, still exit 2', async () => {
    const env = { TERRAFORM_BINARY_NAME: planningEngine(engineDir) };
    const json = await sh(CLI, ['plan', 'staging', '--json'], env, dir);
    expect(json.code).toBe(2);
    // Progress on standard error (after the JSON in this combined output).
    const result = JSON.parse(json.output.slice(0, json.output.lastIndexOf('}') + 1)) as unknown;
    expect(result).toEqual({
      stacks: [
        {
          stack: 'staging',
          add: 1,
          change: 0,
          destroy: 0,
          resources: [{ address: 'docker_container.web', actions: ['create'], values: {} }],
        },
      ],
      changes: true,
    });
  });
});
