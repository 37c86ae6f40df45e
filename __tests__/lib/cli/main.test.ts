import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { describeRelease } from '../../../lib/private/release';
import { sh } from '../../helpers/cli';
import {
  DEPLOYED_RELEASE,
  engineStandIn,
  fingerprint,
  writeDeployedState,
} from '../../helpers/engine-stand-in';
import { projectCopy } from '../../helpers/project-copy';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');
const RELEASE = 'abababababab';

/** How a refused command line ends: the parser's words, and where the command's help is. */
const refused = (command: string, error: string) =>
  `[${command}] error: ${error}\n` +
  `[${command}] fix: Nothing was done. cdktf-pipeline ${command} --help shows what it takes.\n`;

let dir: string;
const engine = engineStandIn();

/** Every command the CLI lists, but commander's own `help`. */
async function commands(): Promise<string[]> {
  const listing = (await cli('--help')).output;
  return [...listing.slice(listing.indexOf('Commands:')).matchAll(/^ {2}([a-z-]+) /gm)]
    .map((m) => m[1])
    .filter((c) => c !== 'help');
}
const cli = (...args: string[]) => sh(CLI, args, engine.env, dir);

beforeAll(async () => {
  // A copy of the sample where dev and prod look deployed, and its CI files are stale: a
  // command that went ahead would call the engine, change the states' folders or rewrite them.
  dir = await projectCopy('cli-arguments-');
  writeDeployedState(dir, 'dev', 8080);
  writeDeployedState(dir, 'prod', 8280);
  writeFileSync(join(dir, '.gitlab-ci.yml'), 'stale\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A refused command line of every command, and what the CLI says. */
const REFUSED: [string[], string][] = [
  [['destroy', 'dev', '--bogus'], refused('destroy', "unknown option '--bogus'.")],
  [
    ['destroy', 'dev', 'nosuchstack'],
    "[destroy] error: the app has no stack 'nosuchstack' (stacks: image, dev, staging, prod).\n" +
      '[destroy] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline destroy dev.\n',
  ],
  [['render', '--chek'], refused('render', "unknown option '--chek' (Did you mean --check?).")],
  [
    ['check', 'dev', '--lod', '200'],
    refused('check', "unknown option '--lod' (Did you mean --load?)."),
  ],
  [
    ['deploy', 'dev', '--relase', 'x'],
    refused('deploy', "unknown option '--relase' (Did you mean --release?)."),
  ],
  [
    ['deploy', 'dev', '--release', 'x'],
    refused(
      'deploy',
      "option '--release <id>' argument 'x' is invalid. It must be a release id, 12 hex digits. In CI the value comes from the image job (PIPELINE_RELEASE): make the job need it. By hand, copy the release the image deploy reported.",
    ),
  ],
  [
    ['deploy', 'dev', 'image', '--release', RELEASE],
    "[deploy] error: --release applies to stages that promote an upstream's release; 'image' builds it.\n" +
      '[deploy] fix: Deploy image without --release.\n',
  ],
  [
    ['teardown', 'prod'],
    refused('teardown', "too many arguments for 'teardown'. Expected 0 arguments but got 1."),
  ],
  [
    ['approve', 'prod', '--form', 'staging'],
    refused('approve', "unknown option '--form' (Did you mean --from?)."),
  ],
  [
    ['approve', 'prod', RELEASE, '--check'],
    '[approve] error: --check goes with --from STAGE.\n' +
      '[approve] fix: Run e.g. cdktf-pipeline approve prod --from staging --check.\n',
  ],
  [
    ['expire-reviews', '3 days', '--yes', '--force'],
    refused('expire-reviews', "unknown option '--force'."),
  ],
  [['migrate-state'], refused('migrate-state', "required option '--to <store>' not specified.")],
  [
    ['plan', 'dev', 'nope'],
    "[plan] error: the app has no stack 'nope' (stacks: image, dev, staging, prod).\n" +
      '[plan] fix: Name one of those, or a review environment as review-<id>: e.g. cdktf-pipeline plan dev.\n',
  ],
  [
    ['doctor', 'extra'],
    refused('doctor', "too many arguments for 'doctor'. Expected 0 arguments but got 1."),
  ],
  [['parity', '--review'], refused('parity', "option '--review <id>' argument missing.")],
  [
    ['init', 'elsewhere', '--port', '80x'],
    refused(
      'init',
      "option '--port <port>' argument '80x' is invalid. It must be a whole number of at least 1, e.g. --port 10.",
    ),
  ],
  [['status', '--all'], refused('status', "unknown option '--all'.")],
  [['history', '--since', 'monday'], refused('history', "unknown option '--since'.")],
  [['drift', '--all'], refused('drift', "unknown option '--all'.")],
  [['ansible', 'dev'], refused('ansible', "missing required argument 'playbook'.")],
  [['run', '--deploy-everything'], refused('run', "unknown option '--deploy-everything'.")],
];

/**
 * The whole command line is checked before a command synthesizes, initialises or runs
 * anything: an unknown flag, a missing or malformed value, an unknown stack. The engine is a
 * stand-in that records its calls.
 */
describe('cdktf-pipeline checks the command line before it runs anything', () => {
  test.each(REFUSED)(
    '%j: a usage error (exit 64), and nothing was run or changed',
    async (args, output) => {
      const before = fingerprint(dir);
      expect(await cli(...args)).toEqual({ code: 64, output });
      expect(engine.calls()).toEqual([]);
      expect(fingerprint(dir)).toEqual(before);
    },
  );

  test('every command of the table has a refused command line above', async () => {
    expect(new Set(REFUSED.map(([args]) => args[0]))).toEqual(new Set(await commands()));
  });

  test('--help of every command shows its usage and exits 0, without synthesizing the app', async () => {
    const listed = await commands();
    expect(listed).toHaveLength(17);
    // An app that leaves a mark: synthesizing it would show.
    const app = `touch ${join(dir, 'synthesized')}`;
    const results = await Promise.all(listed.map((c) => cli(c, '--help', '--app', app)));
    expect(results.map((r) => [r.code, r.output.split('\n')[0]])).toEqual(
      listed.map((c) => [
        0,
        expect.stringMatching(new RegExp(`^Usage: cdktf-pipeline ${c} \\[options\\]`)),
      ]),
    );
    expect(existsSync(join(dir, 'synthesized'))).toBe(false);
    expect(engine.calls()).toEqual([]);
  });

  test('parity --json prints the report as JSON, and nothing else', async () => {
    const result = await cli('parity', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.output)).toEqual({
      stacks: ['dev', 'staging', 'prod'],
      differences: [],
    });
  });

  test('--help of a destroy shows its usage, exit 0, and destroys nothing', async () => {
    const before = fingerprint(dir);
    const result = await cli('destroy', 'prod', '--help');
    expect(result.code).toBe(0);
    expect(result.output.split('\n').slice(0, 2)).toEqual([
      'Usage: cdktf-pipeline destroy [options] <stacks...>',
      '',
    ]);
    expect(result.output).toContain(
      '-y, --yes        destroy without asking (needed without a terminal)',
    );
    expect(engine.calls()).toEqual([]);
    expect(fingerprint(dir)).toEqual(before);
  });

  test('destroy without a terminal and without --yes lists what it would destroy, says how to confirm, and destroys nothing', async () => {
    const before = fingerprint(dir);
    expect(await cli('destroy', 'dev')).toEqual({
      code: 64,
      output:
        '[destroy] this destroys:\n' +
        `[destroy]   dev (environment): runs release ${describeRelease(DEPLOYED_RELEASE)}; web at http://127.0.0.1:8080; state .pipeline/state/dev.tfstate\n` +
        '[destroy] error: destroying needs a confirmation, and there is no terminal to ask on: nothing was destroyed.\n' +
        '[destroy] fix: Run it on a terminal to be asked, or confirm on the command line: cdktf-pipeline destroy dev --yes.\n',
    });
    expect(engine.calls()).toEqual([]);
    expect(fingerprint(dir)).toEqual(before);
  });

  test('teardown without a terminal and without --yes lists every deployed stage, prod behind its approval, and destroys nothing', async () => {
    const before = fingerprint(dir);
    expect(await cli('teardown')).toEqual({
      code: 64,
      output:
        '[teardown] this destroys:\n' +
        `[teardown]   prod (environment behind an approval): runs release ${describeRelease(DEPLOYED_RELEASE)}; web at http://127.0.0.1:8280; state .pipeline/state/prod.tfstate\n` +
        `[teardown]   dev (environment): runs release ${describeRelease(DEPLOYED_RELEASE)}; web at http://127.0.0.1:8080; state .pipeline/state/dev.tfstate\n` +
        '[teardown] error: destroying needs a confirmation, and there is no terminal to ask on: nothing was destroyed.\n' +
        '[teardown] fix: Run it on a terminal to be asked, or confirm on the command line: cdktf-pipeline teardown --yes.\n',
    });
    expect(engine.calls()).toEqual([]);
    expect(fingerprint(dir)).toEqual(before);
  });
});
