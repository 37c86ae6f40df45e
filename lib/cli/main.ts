import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

import { Command, CommanderError, Option } from 'commander';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { PipelineEvent } from '../model/stage-trigger';
import { PIPELINE_DEFAULTS } from '../private/defaults';
import { ConfigurationError } from '../private/errors';
import { installTypeScriptHook } from '../private/typescript-hook';

import {
  digestPrefix,
  nameList,
  positiveInteger,
  ReleaseArgument,
  releaseToApprove,
  runRelease,
  timeToLive,
} from './arguments';
import { CliError, ExitCode, ReportedError } from './cli-error';
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

/** The CLI's name, as a project that installs the package runs it (`npx cdktf-pipeline`). */
const CLI = 'cdktf-pipeline';

/** The options every command takes, where the project's app and pipeline model are. */
interface ProjectOptions {
  readonly app?: string;
  readonly pipeline?: string;
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

/** The package's version, from its package.json (two folders up, from lib/ and from dist/). */
function packageVersion(): string {
  const file = join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

const EXIT_CODES = `
Exit status:
  ${ExitCode.OK}   done
  ${ExitCode.ERROR}   the command failed (a deploy, a smoke test, a state that cannot be read)
  ${ExitCode.CHANGES}   drift: an environment drifted; run: paused at an approval gate
  ${ExitCode.NOT_APPROVED}   approve --check: the release is not approved yet
  ${ExitCode.USAGE}  the command line is wrong, or a destroy was not confirmed: nothing was done`;

/**
 * The command table: every command with its arguments and options, which the parser checks
 * (unknown options, missing and malformed values, extra arguments) before any command runs;
 * `--help` of each comes from it. `act` runs a command's action with the project it works in.
 */
function commandTable(
  act: (options: ProjectOptions, action: (project: Project) => Promise<number>) => Promise<void>,
): Command {
  const program = new Command(CLI)
    .description(
      'Deploy, promote, check and destroy the stacks of a cdktf delivery; run and render its pipeline.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show the help of the CLI or of a command')
    .addHelpText('after', EXIT_CODES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // Errors are printed by main(), in the form of every other error.
      outputError: () => undefined,
    });
  const command = (name: string, description: string) =>
    program
      .command(name)
      .description(description)
      .option('--app <command>', "the app's command, instead of cdktf.json's")
      .helpOption('-h, --help', 'show this help');
  const pipelineCommand = (name: string, description: string) =>
    command(name, description).option(
      '--pipeline <file>',
      'the pipeline model module, instead of package.json\'s "cdktf-pipeline".pipeline',
    );
  const yes = new Option('-y, --yes', 'destroy without asking (needed without a terminal)');

  command('deploy', 'deploy stacks in order (default: the stages up to the first approval)')
    .argument('[stacks...]', 'the stacks to deploy; review-<id> adds a review environment')
    .option(
      '--release <id>',
      "this pipeline run's release: deploy only while the upstream has it verified",
      runRelease,
    )
    .action((stacks: string[], o: ProjectOptions & { release?: string }) =>
      act(o, (project) => deploy(project, { stacks, release: o.release })),
    );

  command('destroy', 'destroy stacks, e.g. a review environment, after asking')
    .argument('<stacks...>', 'the stacks to destroy, e.g. review-42')
    .addOption(yes)
    .action((stacks: string[], o: ProjectOptions & { yes?: boolean }) =>
      act(o, (project) => destroy(project, { stacks, yes: o.yes === true })),
    );

  command('teardown', 'destroy every deployed stack, downstream first, after asking')
    .addOption(yes)
    .action((o: ProjectOptions & { yes?: boolean }) =>
      act(o, (project) => teardown(project, { yes: o.yes === true })),
    );

  command('approve', 'approve a release for an environment (appends to its approval record)')
    .argument('<environment>', 'the environment behind an approval, e.g. prod')
    .argument(
      '[release]',
      "the release: its id (as status shows it), every image as name=sha256:<64 hex> (comma-separated), or a one-image delivery's digest",
      releaseToApprove,
    )
    .argument('[note]', 'a note for the record')
    .option('--from <stage>', 'approve what this stage verified, instead of a release')
    .option(
      '--release <id>',
      "with --from: this pipeline run's release, approved only while the stage has it verified",
      runRelease,
    )
    .option('--check', 'with --from: approve nothing; exit 0 when approved, 3 when not')
    .action(
      (
        environment: string,
        release: ReleaseArgument | undefined,
        note: string | undefined,
        o: ProjectOptions & { from?: string; release?: string; check?: boolean },
      ) =>
        act(o, (project) =>
          approve(project, {
            environment,
            release,
            note,
            from: o.from,
            runRelease: o.release,
            check: o.check === true,
          }),
        ),
    );

  command('check', 'smoke tests over HTTP against a deployed stack, then a load check')
    .argument('<stack>', 'the deployed stack to check')
    .option('--load <requests>', 'then send this many requests', positiveInteger('--load'))
    .option(
      '--concurrency <n>',
      `with --load: requests at a time (default ${PIPELINE_DEFAULTS.loadConcurrency})`,
      positiveInteger('--concurrency'),
    )
    .option(
      '--p95-ms <ms>',
      `with --load: the 95th percentile's budget in ms (default ${PIPELINE_DEFAULTS.loadP95Milliseconds})`,
      positiveInteger('--p95-ms'),
    )
    .action(
      (
        stack: string,
        o: ProjectOptions & { load?: number; concurrency?: number; p95Ms?: number },
      ) =>
        act(o, (project) =>
          check(project, { stack, load: o.load, concurrency: o.concurrency, p95Ms: o.p95Ms }),
        ),
    );

  command('expire-reviews', 'destroy review environments idle longer than TTL, after asking')
    .argument('<ttl>', "the time to live, e.g. '3 days' or '12 hours'", (text: string) => ({
      text,
      seconds: timeToLive(text),
    }))
    .addOption(yes)
    .action((ttl: { text: string; seconds: number }, o: ProjectOptions & { yes?: boolean }) =>
      act(o, (project) =>
        expireReviews(project, {
          timeToLive: ttl.text,
          seconds: ttl.seconds,
          yes: o.yes === true,
        }),
      ),
    );

  command(
    'drift',
    "compare what runs with each environment's last deploy; exit 0 in sync, 2 drifted",
  )
    .argument('[environments...]', 'the environments to compare (default: every deployed one)')
    .action((environments: string[], o: ProjectOptions) =>
      act(o, (project) => drift(project, { environments })),
    );

  command('status', 'what runs where, since when, verified or not, and what waits upstream')
    .addOption(new Option('--json', 'as JSON').conflicts('markdown'))
    .addOption(new Option('--markdown', 'as Markdown, for CI job summaries').conflicts('json'))
    .option('--probe', 'run the smoke tests now')
    .option('--drift', 'compare each environment with its last deploy')
    .action(
      (
        o: ProjectOptions & {
          json?: boolean;
          markdown?: boolean;
          probe?: boolean;
          drift?: boolean;
        },
      ) =>
        act(o, (project) =>
          status(project, {
            format: o.json ? 'json' : o.markdown ? 'markdown' : 'table',
            probe: o.probe === true,
            drift: o.drift === true,
          }),
        ),
    );

  command('history', 'every deploy of the environments, newest first')
    .argument('[environments...]', 'the environments (default: every one)')
    .option('--release <id>', 'only the deploys of this release', runRelease)
    .option(
      '--digest <digest>',
      'only the deploys of releases with an image of this digest (12 or more hex digits)',
      digestPrefix,
    )
    .option('--json', 'as JSON')
    .action(
      (
        environments: string[],
        o: ProjectOptions & { release?: string; digest?: string; json?: boolean },
      ) =>
        act(o, (project) =>
          history(project, {
            environments,
            release: o.release,
            digest: o.digest,
            json: o.json === true,
          }),
        ),
    );

  command('ansible', "run a playbook with the stack's outputs when they or it changed")
    .argument('<stack>', 'the deployed stack')
    .argument('<playbook>', 'the playbook, from the project root')
    .action((stack: string, playbook: string, o: ProjectOptions) =>
      act(o, (project) => ansible(project, { stack, playbook })),
    );

  command('parity', 'prove that every environment stack synthesizes identical Terraform')
    .option(
      '--review <id>',
      'add a review environment to the comparison (repeatable)',
      (id: string, ids: string[]) => [...ids, id],
      [] as string[],
    )
    .action((o: ProjectOptions & { review: string[] }) =>
      act(o, (project) => parity(project, { reviews: o.review })),
    );

  command('migrate-state', "move every stage's state into PostgreSQL or back to local files")
    .addOption(
      new Option('--to <store>', 'where the state goes')
        .choices(['pg', 'local'])
        .makeOptionMandatory(),
    )
    .action((o: ProjectOptions & { to: 'pg' | 'local' }) =>
      act(o, (project) => migrateState(project, { to: o.to })),
    );

  pipelineCommand('render', 'write .gitlab-ci.yml and .github/workflows/<name>.yml')
    .option('--check', 'write nothing; exit 1 when a file is stale')
    .action((o: ProjectOptions & { check?: boolean }) =>
      act(o, (project) => {
        const { pipeline, source } = loadPipeline(project.root, o.pipeline);
        return render(project, pipeline, source, { check: o.check === true });
      }),
    );

  const event = (flag: string, description: string, others: string[]) =>
    new Option(flag, description).conflicts(others);
  pipelineCommand('run', 'run the pipeline here, stage by stage')
    .option('--approve', 'approve the release at every approval gate without asking')
    .option('--skip <stages>', 'stages not to run, comma-separated', nameList('--skip'))
    .addOption(
      event('--merge-request <id>', 'run as for a merge request', [
        'closeMergeRequest',
        'schedule',
      ]),
    )
    .addOption(
      event('--close-merge-request <id>', 'run as for a closed merge request', [
        'mergeRequest',
        'schedule',
      ]),
    )
    .addOption(
      event('--schedule', 'run as the scheduled pipeline', ['mergeRequest', 'closeMergeRequest']),
    )
    .action(
      (
        o: ProjectOptions & {
          approve?: boolean;
          skip?: string[];
          mergeRequest?: string;
          closeMergeRequest?: string;
          schedule?: boolean;
        },
      ) =>
        act(o, (project) => {
          const { pipeline } = loadPipeline(project.root, o.pipeline);
          return run(project, pipeline, {
            event:
              o.mergeRequest !== undefined
                ? PipelineEvent.MERGE_REQUEST
                : o.closeMergeRequest !== undefined
                  ? PipelineEvent.MERGE_REQUEST_CLOSED
                  : o.schedule
                    ? PipelineEvent.SCHEDULE
                    : PipelineEvent.PUSH,
            mergeRequestId: o.mergeRequest ?? o.closeMergeRequest,
            approve: o.approve === true,
            skip: o.skip ?? [],
          });
        }),
    );
  return program;
}

/** The parser's message in the CLI's form: without its `error: ` and on one line. */
function parserMessage(error: CommanderError): string {
  return error.message
    .replace(/^error: /, '')
    .replace(/\n\((Did you mean[^)]*)\)/, ' ($1)')
    .replace(/\.$/, '');
}

/**
 * Runs one command of the CLI in the working directory; resolves with its exit status. The
 * whole command line is checked before the command does anything.
 */
export async function main(argv: readonly string[], root = process.cwd()): Promise<number> {
  let code: number = ExitCode.OK;
  let name = CLI;
  const program = commandTable(async (options, action) => {
    const project = new Project(root, options.app);
    // Encrypted state is read (and written) with the passphrase: give it to every engine run.
    loadStatePassphrase(project.root);
    code = await action(project);
  });
  program.hook('preSubcommand', (_, command) => {
    name = command.name();
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the parse too, with status 0.
      if (error.exitCode === 0) return ExitCode.OK;
      // No command: the help was printed (to stderr).
      if (error.code === 'commander.help') return ExitCode.USAGE;
      const help = name === CLI ? `${CLI} --help` : `${CLI} ${name} --help`;
      console.error(
        `[${name}] error: ${parserMessage(error)}.\n[${name}] fix: Nothing was done. ${help} shows what it takes.`,
      );
      return ExitCode.USAGE;
    }
    if (error instanceof CliError) {
      console.error(`[${name}] error: ${error.message}\n[${name}] fix: ${error.fix}`);
      return error.exitCode;
    }
    if (error instanceof ConfigurationError) {
      console.error(error.message);
      return ExitCode.ERROR;
    }
    if (error instanceof ReportedError) {
      console.error(error.report);
      return ExitCode.ERROR;
    }
    throw error;
  }
}
