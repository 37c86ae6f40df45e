import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { Command, CommanderError, Option } from 'commander';

import { DeliveryPipeline } from '../model/delivery-pipeline';
import { PipelineEvent } from '../model/stage-trigger';
import {
  ExitCode,
  historyTable,
  INIT_DEFAULTS,
  OperationError,
  Operations,
  ProgressEvent,
  ReleaseToApprove,
  ReportedError,
  statusHtml,
  statusMarkdown,
  statusTable,
} from '../operations';
import { formatParityReport } from '../parity/private/synthesized-parity';
import { PIPELINE_DEFAULTS, STATUS_MARKDOWN_FILE } from '../private/defaults';
import { ConfigurationError } from '../private/errors';

import {
  digestPrefix,
  nameList,
  positiveInteger,
  releaseToApprove,
  htmlFile,
  runRelease,
  timeToLive,
} from './private/arguments';
import { crashed } from './private/crash';
import { answer, ask, onTerminal } from './private/prompt';
import { referenceOf } from './private/reference';
import { installTypeScriptHook } from './private/typescript-hook';
import { run } from './run';

/** The CLI's name, as a project that installs the package runs it (`npx cdktf-pipeline`). */
const CLI = 'cdktf-pipeline';

/** The options every command takes, where the project's app and pipeline model are. */
interface ProjectOptions {
  readonly app?: string;
  readonly pipeline?: string;
  /** The result as JSON on standard output; progress goes to standard error. */
  readonly json?: boolean;
  /** The folder the command works in, instead of the working directory (init's). */
  readonly directory?: string;
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
    throw new OperationError(
      'no pipeline model to read.',
      'Pass --pipeline FILE, or set "cdktf-pipeline": { "pipeline": "FILE" } in package.json; the module exports `pipeline`, a DeliveryPipeline.',
    );
  }
  const path = resolve(root, module);
  installTypeScriptHook(root);
  let exported: { pipeline?: unknown; default?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(path) as { pipeline?: unknown; default?: unknown };
  } catch (error) {
    throw new OperationError(
      `the pipeline model ${module} failed to load: ${error instanceof Error ? error.message : String(error)}`,
      'Fix the module (`tsc --noEmit` checks its types), then run the command again.',
    );
  }
  let pipeline = exported.pipeline ?? exported.default;
  if (typeof pipeline === 'function') pipeline = (pipeline as () => unknown)();
  if (!(pipeline instanceof DeliveryPipeline)) {
    throw new OperationError(
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

const DEBUG = 'on a crash, print where it happened (the stack)';

const EXIT_CODES = `
Exit status:
  ${ExitCode.OK}   done
  ${ExitCode.ERROR}   the command failed (a deploy, a smoke test, a state that cannot be read)
  ${ExitCode.CHANGES}   drift: an environment drifted; plan: a deploy would change something; run: paused at an approval gate
  ${ExitCode.NOT_APPROVED}   approve --check: the release is not approved yet
  ${ExitCode.USAGE}  the command line is wrong, or a destroy was not confirmed: nothing was done
  ${ExitCode.CRASH}  the CLI crashed (a bug: please report it; --debug shows where)
  ${ExitCode.INTERRUPTED} interrupted (Ctrl-C): the engine stopped and recorded what it had done; run it again`;

/**
 * The command table: every command with its arguments and options, which the parser checks
 * (unknown options, missing and malformed values, extra arguments) before any command runs;
 * `--help` of each comes from it. `act` runs a command's action with the project it works in.
 */
function commandTable(
  act: (
    options: ProjectOptions,
    action: (operations: Operations) => Promise<number>,
  ) => Promise<void>,
): Command {
  const program = new Command(CLI)
    .description(
      'Deploy, promote, check and destroy the stacks of a cdktf delivery; run and render its pipeline.',
    )
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show the help of the CLI or of a command')
    .option('--debug', DEBUG)
    // The CLI's own options go before the command, each command's after it: so `--debug` after
    // a command is that command's, never the value of an option before it taken out of place.
    .enablePositionalOptions()
    .addHelpText('after', EXIT_CODES)
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => process.stdout.write(text),
      writeErr: (text) => process.stderr.write(text),
      // Errors are printed by main(), in the form of every other error.
      outputError: () => undefined,
    });
  const command = (name: string, summary: string, details?: string) =>
    program
      .command(name)
      .summary(summary)
      .description(details ? `${summary}. ${details}` : summary)
      .option('--app <command>', "the app's command, instead of cdktf.json's")
      .option('--debug', DEBUG)
      .helpOption('-h, --help', 'show this help');
  const pipelineCommand = (name: string, summary: string, details?: string) =>
    command(name, summary, details).option(
      '--pipeline <file>',
      'the pipeline model module, instead of package.json\'s "cdktf-pipeline".pipeline',
    );
  const yes = new Option('-y, --yes', 'destroy without asking (needed without a terminal)');
  const json = new Option('--json', 'the result as JSON (progress goes to standard error)');

  program
    .command('init')
    .description(
      'write a new project: a delivery of one image with dev and prod, its service, a test',
    )
    .argument('[directory]', 'the folder to write it into (created when missing)', '.')
    .option('--name <name>', "the project's name (default: the folder's)")
    .option('--debug', DEBUG)
    .option(
      '--port <port>',
      `dev's host port; prod takes the next (default ${INIT_DEFAULTS.port})`,
      positiveInteger('--port'),
    )
    .option(
      '--base-image <image>',
      `the service's base image, any with busybox (default ${INIT_DEFAULTS.baseImage})`,
    )
    .action((directory: string, o: { name?: string; port?: number; baseImage?: string }) =>
      act({ directory }, async (ops) => {
        await ops.init({ name: o.name, port: o.port, baseImage: o.baseImage });
        return ExitCode.OK;
      }),
    );

  command(
    'deploy',
    'deploy stacks in order (default: the stages up to the first approval)',
    "Each runs the engine's init and apply in the stack's synthesized folder (what cdktf deploy runs), with its log in .pipeline/logs/; it prints the release it brings, the URL and the verified release, and writes .pipeline/outputs/deployed.env (and GITHUB_OUTPUT) for CI.",
  )
    .argument('[stacks...]', 'the stacks to deploy; review-<id> adds a review environment')
    .option(
      '--release <id>',
      "this pipeline run's release: deploy only while the upstream has it verified",
      runRelease,
    )
    .action((stacks: string[], o: ProjectOptions & { release?: string }) =>
      act(o, async (ops) => {
        await ops.deploy({ stacks, release: o.release });
        return ExitCode.OK;
      }),
    );

  command(
    'plan',
    'what a deploy of each stack would change; exit 0 nothing, 2 changes',
    "The engine's plan with the values a deploy would use, changing nothing: each resource it would create (+), change in place (~, with the attributes), replace (-/+, with the attributes that force it) or destroy (-). --json gives each change in the testing kit's normalised form, secrets hidden.",
  )
    .argument('<stacks...>', 'the stacks to plan')
    .addOption(json)
    .action((stacks: string[], o: ProjectOptions) =>
      act(o, async (ops) => {
        const result = await ops.plan({ stacks });
        if (o.json) printJson(result);
        return result.changes ? ExitCode.CHANGES : ExitCode.OK;
      }),
    );

  command(
    'doctor',
    'check what a deploy needs here (Docker, engine, provider, registry, state)',
    'Each check with its fix: the Docker host answers; the engine runs (TERRAFORM_BINARY_NAME, else tofu on the PATH, else terraform); it can install the docker provider; the image registry answers; PostgreSQL answers when the state is there; the passphrase is given when the state is encrypted. Exit 1 when one fails.',
  )
    .addOption(json)
    .action((o: ProjectOptions) =>
      act(o, async (ops) => {
        const result = await ops.doctor();
        if (o.json) printJson(result);
        return result.ok ? ExitCode.OK : ExitCode.ERROR;
      }),
    );

  command(
    'destroy',
    'destroy stacks, e.g. a review environment, after asking',
    "It lists what it would destroy and asks on a terminal (an environment behind an approval needs its name typed back); without a terminal it needs --yes. It runs the engine's destroy, as cdktf destroy does, and forgets what the CLI kept for the stack.",
  )
    .argument('<stacks...>', 'the stacks to destroy, e.g. review-42')
    .addOption(yes)
    .action((stacks: string[], o: ProjectOptions & { yes?: boolean }) =>
      act(o, async (ops) => {
        await ops.destroy({ stacks, yes: o.yes === true });
        return ExitCode.OK;
      }),
    );

  command(
    'teardown',
    'destroy every deployed stack, downstream first, after asking',
    'The image stage goes last. It asks as destroy does.',
  )
    .addOption(yes)
    .action((o: ProjectOptions & { yes?: boolean }) =>
      act(o, async (ops) => {
        await ops.teardown({ yes: o.yes === true });
        return ExitCode.OK;
      }),
    );

  command('approve', 'approve a release for an environment (appends to its approval record)')
    .argument('<environment>', 'the environment behind an approval, e.g. prod')
    .argument(
      '[release]',
      "the release: its id (as status shows it), every image as name=sha256:<digest> (comma-separated; 12 or more hex digits of each), or a one-image delivery's digest",
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
    .addOption(json)
    .action(
      (
        environment: string,
        release: ReleaseToApprove | undefined,
        note: string | undefined,
        o: ProjectOptions & { from?: string; release?: string; check?: boolean },
      ) =>
        act(o, async (ops) => {
          const result = await ops.approve({
            environment,
            release,
            note,
            from: o.from,
            runRelease: o.release,
            check: o.check === true,
          });
          if (o.json) printJson(result);
          return result.approved ? ExitCode.OK : ExitCode.NOT_APPROVED;
        }),
    );

  command(
    'check',
    'smoke tests over HTTP against a deployed stack, then a load check',
    "With --load, that many requests to the first smoke test's path follow: any failed request, or a 95th percentile above --p95-ms, fails the check.",
  )
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
    .addOption(json)
    .action(
      (
        stack: string,
        o: ProjectOptions & { load?: number; concurrency?: number; p95Ms?: number },
      ) =>
        act(o, async (ops) => {
          const result = await ops.check({
            stack,
            load: o.load,
            concurrency: o.concurrency,
            p95Ms: o.p95Ms,
          });
          if (o.json) printJson(result);
          return ExitCode.OK;
        }),
    );

  command(
    'expire-reviews',
    'destroy review environments idle longer than TTL, after asking',
    'A review environment no deploy touched for TTL is destroyed once confirmed; the others are kept.',
  )
    .argument('<ttl>', "the time to live, e.g. '3 days' or '12 hours'", timeToLive)
    .addOption(yes)
    .action((ttl: string, o: ProjectOptions & { yes?: boolean }) =>
      act(o, async (ops) => {
        await ops.expireReviews({ timeToLive: ttl, yes: o.yes === true });
        return ExitCode.OK;
      }),
    );

  command(
    'drift',
    "compare what runs with each environment's last deploy; exit 0 in sync, 2 drifted",
  )
    .argument('[environments...]', 'the environments to compare (default: every deployed one)')
    .addOption(json)
    .action((environments: string[], o: ProjectOptions) =>
      act(o, async (ops) => {
        const result = await ops.drift({ environments });
        if (o.json) printJson(result);
        return result.drifted ? ExitCode.CHANGES : ExitCode.OK;
      }),
    );

  command(
    'status',
    'what runs where, since when, verified or not, and what waits upstream',
    "Each environment's release, whether it is verified and since when, the release waiting upstream and its approval, the last deploy's outcome and the URL. --markdown writes a table and a Mermaid graph for CI job summaries; --html FILE also writes a self-contained HTML report (the promotion graph, each environment's release and history) to open in a browser.",
  )
    .addOption(new Option('--json', 'as JSON').conflicts('markdown'))
    .addOption(new Option('--markdown', 'as Markdown, for CI job summaries').conflicts('json'))
    .option('--probe', 'run the smoke tests now')
    .option('--drift', 'compare each environment with its last deploy')
    .option('--html <file>', 'also write a self-contained HTML report to FILE', htmlFile)
    .action(
      (
        o: ProjectOptions & {
          json?: boolean;
          markdown?: boolean;
          probe?: boolean;
          drift?: boolean;
          html?: string;
        },
      ) =>
        act(o, async (ops) => {
          const view = await ops.status({
            probe: o.probe === true,
            drift: o.drift === true,
            history: o.html !== undefined,
          });
          if (o.html !== undefined) {
            const file = resolve(o.html);
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, statusHtml(view));
            // On standard error: standard output keeps the table, the JSON or the Markdown alone.
            process.stderr.write(
              `[status] wrote the report to ${relative(process.cwd(), file) || file}\n`,
            );
          }
          if (o.json) {
            printJson(view);
          } else if (o.markdown) {
            const markdown = statusMarkdown(view);
            // A copy for CI artifacts, and the GitHub job summary when there is one.
            const file = join(ops.root, STATUS_MARKDOWN_FILE);
            mkdirSync(dirname(file), { recursive: true });
            writeFileSync(file, markdown);
            if (process.env.GITHUB_STEP_SUMMARY) {
              appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
            }
            process.stdout.write(markdown);
          } else {
            process.stdout.write(`${statusTable(view).join('\n')}\n`);
          }
          return ExitCode.OK;
        }),
    );

  command(
    'history',
    'every deploy of the environments, newest first',
    "Each with its release and every image's digest, the images that changed, where it came from, which run, the outcome and the approval line.",
  )
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
        act(o, async (ops) => {
          const deployments = await ops.history({
            environments,
            release: o.release,
            digest: o.digest,
          });
          if (o.json) {
            printJson(deployments);
          } else if (deployments.length === 0) {
            const of = [
              environments.length ? ` for ${environments.join(', ')}` : '',
              o.release ? ` of release ${o.release}` : '',
              o.digest ? ` of ${o.digest}` : '',
            ].join('');
            process.stdout.write(`no deploy recorded${of}\n`);
          } else {
            process.stdout.write(`${historyTable(deployments).join('\n')}\n`);
          }
          return ExitCode.OK;
        }),
    );

  command('ansible', "run a playbook with the stack's outputs when they or it changed")
    .argument('<stack>', 'the deployed stack')
    .argument('<playbook>', 'the playbook, from the project root')
    .action((stack: string, playbook: string, o: ProjectOptions) =>
      act(o, async (ops) => {
        await ops.ansible({ stack, playbook });
        return ExitCode.OK;
      }),
    );

  command(
    'parity',
    'prove that every environment stack synthesizes identical Terraform',
    "It checks the synthesized files of every environment stack: cdk.tf.json, the backend's state location and the variables file against its declarations.",
  )
    .option(
      '--review <id>',
      'add a review environment to the comparison (repeatable)',
      (id: string, ids: string[]) => [...ids, id],
      [] as string[],
    )
    .addOption(json)
    .action((o: ProjectOptions & { review: string[] }) =>
      act(o, async (ops) => {
        const report = await ops.parity({ reviews: o.review });
        if (o.json) printJson(report);
        else console.log(formatParityReport(report));
        return report.differences.length === 0 ? ExitCode.OK : ExitCode.ERROR;
      }),
    );

  command(
    'migrate-state',
    "move every stage's state into PostgreSQL or back to local files",
    'It refuses stages that are locked and stages the target holds already; the history moves with the states.',
  )
    .addOption(
      new Option('--to <store>', 'where the state goes')
        .choices(['pg', 'local'])
        .makeOptionMandatory(),
    )
    .action((o: ProjectOptions & { to: 'pg' | 'local' }) =>
      act(o, async (ops) => {
        await ops.migrateState({ to: o.to });
        return ExitCode.OK;
      }),
    );

  pipelineCommand('render', 'write .gitlab-ci.yml and .github/workflows/<name>.yml')
    .option('--check', 'write nothing; exit 1 when a file is stale')
    .action((o: ProjectOptions & { check?: boolean }) =>
      act(o, async (ops) => {
        const { pipeline, source } = loadPipeline(ops.root, o.pipeline);
        const result = await ops.render(pipeline, source, { check: o.check === true });
        return result.stale ? ExitCode.ERROR : ExitCode.OK;
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
        act(o, (ops) => {
          const { pipeline } = loadPipeline(ops.root, o.pipeline);
          return run(ops, pipeline, {
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
            app: o.app,
            signal: ops.signal,
          });
        }),
    );
  return program;
}

/**
 * The CLI reference in Markdown, from the command table that parses the command line and prints
 * `--help`: docs/cli.md holds it (`npm run docs:cli` writes it there).
 */
export function cliReference(): string {
  return referenceOf(commandTable(async () => undefined));
}

/**
 * Prints one line of an operation's progress as `[<operation>] <line>`: progress to standard
 * output (standard error with `json`), errors to standard error, and lines passed on from a tool
 * as they are.
 */
function print(event: ProgressEvent, json = false): void {
  const out = event.level === 'info' && !json ? process.stdout : process.stderr;
  out.write(
    event.level === 'detail' ? `${event.message}\n` : `[${event.operation}] ${event.message}\n`,
  );
}

/** A command's result as JSON, on standard output. */
function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** The parser's message in the CLI's form: without its `error: ` and on one line. */
function parserMessage(error: CommanderError): string {
  return (
    error.message
      .replace(/^error: /, '')
      .replace(/\n\((Did you mean[^)]*)\)/, ' ($1)')
      // A value given with a line break in it is shown with `\n`, so the error stays one line.
      .replace(/\r?\n/g, '\\n')
      .replace(/\.$/, '')
  );
}

/**
 * Runs one command of the CLI in the working directory; resolves with its exit status. The
 * whole command line is checked before the command does anything.
 */
export async function main(argv: readonly string[], root = process.cwd()): Promise<number> {
  let code: number = ExitCode.OK;
  let name = CLI;
  // Ctrl-C reaches the engine too (it shares the terminal's process group): the first one lets
  // the engine stop and record what it did, and the command start nothing after it; a second one
  // stops at once.
  const interruption = new AbortController();
  const onInterrupt = () => {
    if (interruption.signal.aborted) process.exit(ExitCode.INTERRUPTED);
    interruption.abort();
    console.error(
      `[${name}] interrupted: waiting for the engine to stop and record what it did; Ctrl-C again stops at once, leaving it unrecorded.`,
    );
  };
  process.on('SIGINT', onInterrupt);
  const program = commandTable(async (options, action) => {
    code = await action(
      new Operations({
        root: options.directory === undefined ? root : resolve(root, options.directory),
        app: options.app,
        signal: interruption.signal,
        // With --json, standard output holds the result alone.
        onProgress: (event) => print(event, options.json === true),
        prompt: onTerminal()
          ? {
              ask: (question) => ask(`[${name}] ${question}`),
              answer: (question) => answer(`[${name}] ${question}`),
            }
          : undefined,
      }),
    );
  });
  let debug = false;
  program.hook('preSubcommand', (_, command) => {
    name = command.name();
  });
  program.hook('preAction', (_, command) => {
    debug =
      program.opts<{ debug?: boolean }>().debug === true ||
      command.opts<{ debug?: boolean }>().debug === true;
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
    if (error instanceof OperationError) {
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
    return crashed(name, error, {
      debug,
      version: packageVersion(),
      write: (line) => console.error(line),
    });
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
