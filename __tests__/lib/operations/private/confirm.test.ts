import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { CommandResult, sh } from '../../../helpers/cli';
import { engineStandIn, writeDeployedState } from '../../../helpers/engine-stand-in';
import { projectCopy } from '../../../helpers/project-copy';
import { PROJECT_ROOT } from '../../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');

let dir: string;
let engine: ReturnType<typeof engineStandIn>;

beforeEach(async () => {
  // A copy of the sample where dev and prod look deployed; the engine records its calls.
  dir = await projectCopy('cli-confirm-');
  engine = engineStandIn();
  writeDeployedState(dir, 'dev', 8080);
  writeDeployedState(dir, 'prod', 8280);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs the CLI on a terminal of its own (util-linux `script` gives it one) and types `typed`
 * and Enter; resolves with its exit code and its screen as lines, without terminal controls.
 */
function onTerminal(args: readonly string[], typed: string): Promise<CommandResult> {
  const quoted = [CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      cwd: dir,
      env: { ...process.env, ...engine.env, FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        // eslint-disable-next-line no-control-regex
        output: output.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, ''),
      }),
    );
    child.stdin.end(`${typed}\n`);
  });
}

/** The engine's destroy, as the CLI runs it in a stack's folder. */
const DESTROY = 'destroy -auto-approve -input=false -no-color';

/** The engine's calls that could change something: all but `version` and `init`. */
const changes = () => engine.calls().filter((call) => !/^(version|init)\b/.test(call));

/** On a terminal, a destroy asks; an environment behind an approval needs its name typed back. */
describe('destroy and teardown ask first', () => {
  test('destroy dev answered no destroys nothing; answered yes, the engine destroys dev', async () => {
    const no = await onTerminal(['destroy', 'dev'], 'n');
    expect(no.code).toBe(1);
    expect(no.output).toContain('[destroy] Destroy dev? [y/N] ');
    expect(no.output).toContain(
      '[destroy] error: not confirmed: nothing was destroyed.\n[destroy] fix: Answer y to destroy.\n',
    );
    expect(engine.calls()).toEqual([]);

    const yes = await onTerminal(['destroy', 'dev'], 'y');
    expect(yes.code).toBe(0);
    expect(yes.output).toContain('[destroy] destroyed dev\n');
    expect(changes()).toEqual([DESTROY]);
  });

  test('destroy prod needs its name typed back: a yes is refused, prod is accepted', async () => {
    const yes = await onTerminal(['destroy', 'prod'], 'y');
    expect(yes.code).toBe(1);
    expect(yes.output).toContain(
      '[destroy] prod is behind an approval. Type its name to destroy it: ',
    );
    expect(yes.output).toContain(
      "[destroy] error: 'y' is not 'prod': nothing was destroyed.\n[destroy] fix: Type prod to destroy it, or pass --yes.\n",
    );
    expect(engine.calls()).toEqual([]);

    const typed = await onTerminal(['destroy', 'prod'], 'prod');
    expect(typed.code).toBe(0);
    expect(typed.output).toContain('[destroy] destroyed prod\n');
    expect(changes()).toEqual([DESTROY]);
  });

  test('teardown --yes destroys every deployed stage without asking, downstream first, and forgets them', async () => {
    const outputs = join(dir, '.pipeline', 'outputs', 'prod.json');
    mkdirSync(dirname(outputs), { recursive: true });
    writeFileSync(outputs, '{}\n');
    const result = await sh(CLI, ['teardown', '--yes'], engine.env, dir);
    expect(result.code).toBe(0);
    expect(result.output).toContain('[teardown] confirmed with --yes\n');
    expect(result.output).toContain('[teardown] destroyed prod, dev\n');
    expect(changes()).toEqual([DESTROY, DESTROY]);
    // The engine stand-in destroys nothing, so the order shows in the CLI's own lines.
    expect(result.output.match(/\[teardown\] destroying \S+/g)).toEqual([
      '[teardown] destroying prod',
      '[teardown] destroying dev',
    ]);
    expect(existsSync(outputs)).toBe(false);
  });
});
