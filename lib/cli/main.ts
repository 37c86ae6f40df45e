import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { ConfigurationError } from '../private/errors';
import { installTypeScriptHook } from '../private/typescript-hook';

import { CliError, ReportedError } from './cli-error';
import { ansible } from './commands/ansible';
import { approve } from './commands/approve';
import { check } from './commands/check';
import { drift } from './commands/drift';
import { expireReviews } from './commands/expire-reviews';
import { history } from './commands/history';
import { migrateState } from './commands/migrate-state';
import { parity } from './commands/parity';
import { render } from './commands/render';
import { run } from './commands/run';
import { deploy, destroy, teardown } from './commands/stack-actions';
import { status } from './commands/status';
import { Project } from './project';
import { loadStatePassphrase } from './secrets';

const USAGE = `usage: cdktf-pipeline COMMAND [ARGS] [--app COMMAND] [--pipeline FILE]

Stacks (the app in cdktf.json; stacks named review-<id> are added by name):
  deploy [STACK...]          deploy stacks in order (default: the stages up to the first approval)
  destroy STACK...           destroy stacks, e.g. a review environment
  teardown                   destroy every deployed stack, downstream first
  approve ENV DIGEST [NOTE]  approve a digest for an environment (appends to its approval record)
  approve ENV --from STAGE [--check]
                             approve what STAGE verified; --check only tells (exit 0 yes, 3 no)
  check STACK [--load N [--concurrency C] [--p95-ms MS]]
                             smoke tests over HTTP against a deployed stack, then a load check
  expire-reviews TTL         destroy review environments idle longer than TTL, e.g. '3 days'
  drift [ENV...]             compare what runs with each environment's last deploy (default: every
                             deployed one); exit 0 in sync, 2 drifted, 1 error
  status [--json | --markdown] [--probe] [--drift]
                             what runs where, since when, verified or not, and what waits upstream
                             (--markdown: for CI job summaries; --probe: smoke tests now)
  history [ENV...] [--digest DIGEST] [--json]
                             every deploy of the environments, newest first
  ansible STACK PLAYBOOK     run a playbook with the stack's outputs when they or it changed
  parity [--review ID]       prove that every environment stack synthesizes identical Terraform
  migrate-state --to pg|local
                             move every stage's state into PostgreSQL (PIPELINE_STATE=pg) or back

Pipeline (the module given by --pipeline, or "cdktf-pipeline": { "pipeline": FILE } in package.json):
  render [--check]           write .gitlab-ci.yml and .github/workflows/<name>.yml
  run [--approve] [--skip STAGE,...] [--merge-request ID | --close-merge-request ID | --schedule]
                             run the pipeline here, stage by stage (--skip: stages not to run)`;

const COMMANDS = [
  'deploy',
  'destroy',
  'teardown',
  'approve',
  'check',
  'expire-reviews',
  'drift',
  'status',
  'history',
  'ansible',
  'parity',
  'migrate-state',
  'render',
  'run',
];

/** Takes `--name VALUE` out of the arguments. */
function takeOption(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  if (at < 0) return undefined;
  const [, value] = args.splice(at, 2);
  if (value === undefined) throw new CliError(`${name} needs a value.`, USAGE);
  return value;
}

/** The pipeline model: the module's `pipeline` export (or default export), or what it returns. */
function loadPipeline(
  root: string,
  file: string | undefined,
): { pipeline: DeliveryPipeline; source: string } {
  let module = file;
  if (module === undefined) {
    const pkg = join(root, 'package.json');
    const config = existsSync(pkg)
      ? (JSON.parse(readFileSync(pkg, 'utf8')) as { 'cdktf-pipeline'?: { pipeline?: string } })
      : {};
    module = config['cdktf-pipeline']?.pipeline;
  }
  if (module === undefined) {
    throw new CliError(
      'no pipeline model to read.',
      'Pass --pipeline FILE, or set "cdktf-pipeline": { "pipeline": "FILE" } in package.json; the module exports `pipeline`, a DeliveryPipeline.',
    );
  }
  const path = resolve(root, module);
  installTypeScriptHook(root, join(root, 'node_modules', '.cache', 'cdktf-pipeline', 'ts'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path) as { pipeline?: unknown; default?: unknown };
  let pipeline = exported.pipeline ?? exported.default;
  if (typeof pipeline === 'function') pipeline = (pipeline as () => unknown)();
  if (!(pipeline instanceof DeliveryPipeline)) {
    throw new CliError(
      `${module} exports no DeliveryPipeline as 'pipeline' (or as its default export).`,
      'Export it: export const pipeline = new DeliveryPipeline({ ... });',
    );
  }
  return { pipeline, source: relative(root, path) };
}

/** Runs one command of the CLI in the working directory; resolves with its exit status. */
export async function main(argv: readonly string[], root = process.cwd()): Promise<number> {
  const args = [...argv];
  try {
    const app = takeOption(args, '--app');
    const pipelineFile = takeOption(args, '--pipeline');
    const [command, ...rest] = args;
    const project = new Project(root, app);
    // Encrypted state is read (and written) with the passphrase: give it to every engine run.
    loadStatePassphrase(project.root);
    switch (command) {
      case 'deploy':
        return await deploy(project, rest);
      case 'destroy':
        return await destroy(project, rest);
      case 'teardown':
        return await teardown(project, rest);
      case 'approve':
        return await approve(project, rest);
      case 'check':
        return await check(project, rest);
      case 'expire-reviews':
        return await expireReviews(project, rest);
      case 'drift':
        return await drift(project, rest);
      case 'status':
        return await status(project, rest);
      case 'history':
        return await history(project, rest);
      case 'ansible':
        return await ansible(project, rest);
      case 'migrate-state':
        return await migrateState(project, rest);
      case 'parity':
        return await parity(project, rest);
      case 'render': {
        const { pipeline, source } = loadPipeline(root, pipelineFile);
        return await render(project, pipeline, source, rest);
      }
      case 'run': {
        const { pipeline } = loadPipeline(root, pipelineFile);
        return await run(project, pipeline, rest);
      }
      case undefined:
      case 'help':
      case '--help':
        console.log(USAGE);
        return command === undefined ? 1 : 0;
      default:
        throw new CliError(
          `unknown command '${command}'.`,
          'Run cdktf-pipeline help for the commands.',
        );
    }
  } catch (error) {
    if (error instanceof CliError) {
      const name = COMMANDS.includes(args[0]) ? args[0] : 'cdktf-pipeline';
      console.error(`[${name}] error: ${error.message}\n[${name}] fix: ${error.fix}`);
      return 1;
    }
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof ReportedError) {
      console.error(error.report);
      return 1;
    }
    throw error;
  }
}
