/**
 * Property-based tests (fast-check) of the CLI's command line: generated argument lists that the
 * parser refuses (an unknown option, a malformed or missing value, too many or too few
 * arguments, options that exclude each other, an unknown command), and lines that ask for the
 * help or the version. Each runs in this process, `main(argv, root)` with its output captured,
 * in an empty folder: no program is spawned.
 *
 * No generated line may run a command: each holds something the parser refuses (or a help or
 * version flag) where nothing after it can undo it, and every value follows its option (so no
 * option takes the refused part as its value). A line that ran anyway would end differently (the
 * empty folder has no cdktf.json), and fail the properties.
 *
 * Every property of this file runs with one seed: FC_SEED when set, else a random one. The file
 * prints it once when it ends, and a failure report shows it with the counterexample. Replay a
 * failure with that seed (the same runs, the same counterexample):
 *
 *   FC_SEED=<seed> scripts/with-env npx jest __tests__/lib/cli/arguments.property.test.ts
 *
 * (add `-t '<test title>'` to run only the property that failed).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';

import fc from 'fast-check';

import { main } from '../../../lib/cli/main';
import {
  digestPrefix,
  htmlFile,
  nameList,
  positiveInteger,
  releaseToApprove,
  runRelease,
  timeToLive,
} from '../../../lib/cli/private/arguments';
import { ExitCode } from '../../../lib/operations';
import { PROPERTY_SEED, seedLine } from '../../helpers/property';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = 'cdktf-pipeline';
const VERSION = (
  JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** The command lines run, by how they ended, for the one line printed when the file ends. */
const ended: { [outcome: string]: number } = {};

/** The folder every command line runs in: empty, and it must stay so. */
let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'cli-arguments-property-'));
});
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  console.log(seedLine(`command lines by outcome: ${JSON.stringify(ended)}`));
});

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI in this process on `argv`, in the empty folder, with what it prints captured:
 * standard output and error, and the console (which the CLI prints its errors with).
 */
async function cli(...argv: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = {
    stdout: process.stdout.write,
    stderr: process.stderr.write,
    log: console.log,
    error: console.error,
  };
  const into = (lines: string[]) =>
    ((chunk: string | Uint8Array) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = into(out);
  process.stderr.write = into(err);
  console.log = (...args: unknown[]) => void out.push(`${format(...args)}\n`);
  console.error = (...args: unknown[]) => void err.push(`${format(...args)}\n`);
  let code: number;
  try {
    code = await main(argv, root);
  } finally {
    process.stdout.write = saved.stdout;
    process.stderr.write = saved.stderr;
    console.log = saved.log;
    console.error = saved.error;
  }
  return { code, stdout: out.join(''), stderr: err.join('') };
}

// ---------------------------------------------------------------------------------------------
// The command table, as the CLI declares it (a test below compares it with each --help)
// ---------------------------------------------------------------------------------------------

/** A parser of a value: returns what it read, throws when it refuses the value. */
type Parser = (value: string) => unknown;

interface CommandModel {
  /** How many arguments it needs, and takes at most (Infinity: a variadic last one). */
  readonly arguments: readonly [min: number, max: number];
  /** Options that take a value, each with the parser that checks it, if any. */
  readonly values: { readonly [flag: string]: Parser | undefined };
  /** Options that take no value. */
  readonly switches: readonly string[];
  /** Parsers of arguments, by position. */
  readonly argumentParsers?: { readonly [index: number]: Parser };
  /** Pairs of options that exclude each other. */
  readonly conflicts?: readonly (readonly [string, string])[];
  /** An option the command needs. */
  readonly mandatory?: string;
}

const choice =
  (...choices: string[]): Parser =>
  (value) => {
    if (!choices.includes(value)) throw new Error(`not one of ${choices.join(', ')}`);
    return value;
  };

const APP = { '--app': undefined };
/** Every command takes --debug, as the CLI does before its command. */
const withDebug = (table: { readonly [command: string]: CommandModel }) =>
  Object.fromEntries(
    Object.entries(table).map(([name, model]) => [
      name,
      { ...model, switches: [...model.switches, '--debug'] },
    ]),
  );
const COMMANDS: { readonly [command: string]: CommandModel } = withDebug({
  init: {
    arguments: [0, 1],
    values: { '--name': undefined, '--port': positiveInteger('--port'), '--base-image': undefined },
    switches: [],
  },
  deploy: { arguments: [0, Infinity], values: { ...APP, '--release': runRelease }, switches: [] },
  plan: { arguments: [1, Infinity], values: APP, switches: ['--json'] },
  doctor: { arguments: [0, 0], values: APP, switches: ['--json'] },
  destroy: { arguments: [1, Infinity], values: APP, switches: ['-y', '--yes'] },
  teardown: { arguments: [0, 0], values: APP, switches: ['-y', '--yes'] },
  approve: {
    arguments: [1, 3],
    values: { ...APP, '--from': undefined, '--release': runRelease },
    switches: ['--check', '--json'],
    argumentParsers: { 1: releaseToApprove },
  },
  check: {
    arguments: [1, 1],
    values: {
      ...APP,
      '--load': positiveInteger('--load'),
      '--concurrency': positiveInteger('--concurrency'),
      '--p95-ms': positiveInteger('--p95-ms'),
    },
    switches: ['--json'],
  },
  'expire-reviews': {
    arguments: [1, 1],
    values: APP,
    switches: ['-y', '--yes'],
    argumentParsers: { 0: timeToLive },
  },
  drift: { arguments: [0, Infinity], values: APP, switches: ['--json'] },
  status: {
    arguments: [0, 0],
    values: { ...APP, '--html': htmlFile },
    switches: ['--json', '--markdown', '--probe', '--drift'],
    conflicts: [['--json', '--markdown']],
  },
  history: {
    arguments: [0, Infinity],
    values: { ...APP, '--release': runRelease, '--digest': digestPrefix },
    switches: ['--json'],
  },
  ansible: { arguments: [2, 2], values: APP, switches: [] },
  parity: { arguments: [0, 0], values: { ...APP, '--review': undefined }, switches: ['--json'] },
  'migrate-state': {
    arguments: [0, 0],
    values: { ...APP, '--to': choice('pg', 'local') },
    switches: [],
    mandatory: '--to',
  },
  render: { arguments: [0, 0], values: { ...APP, '--pipeline': undefined }, switches: ['--check'] },
  run: {
    arguments: [0, 0],
    values: {
      ...APP,
      '--pipeline': undefined,
      '--skip': nameList('--skip'),
      '--merge-request': undefined,
      '--close-merge-request': undefined,
    },
    switches: ['--approve', '--schedule'],
    conflicts: [
      ['--merge-request', '--close-merge-request'],
      ['--merge-request', '--schedule'],
      ['--close-merge-request', '--schedule'],
    ],
  },
});
const COMMAND_NAMES = Object.keys(COMMANDS);
/** Options of the program, which it reads before the command. */
const HELP = ['-h', '--help'];
const VERSION_FLAGS = ['-V', '--version'];
const PROGRAM_FLAGS = ['--debug', ...VERSION_FLAGS];

const flagsOf = (command: string) => [
  ...Object.keys(COMMANDS[command].values),
  ...COMMANDS[command].switches,
];
const refuses = (parser: Parser, value: string) => {
  try {
    parser(value);
    return false;
  } catch {
    return true;
  }
};

// ---------------------------------------------------------------------------------------------
// Generated tokens
// ---------------------------------------------------------------------------------------------

/** Text of every kind: unicode, spaces, new lines, upper case, very long, empty. */
const text = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      'two\nlines',
      'tab\there',
      'Upper',
      'ünïcödé 日本語 🚀',
      'x'.repeat(5000),
      '=',
      'dev',
      'prod',
      'image',
      'review-42',
      '3 days',
      'sha256:0123456789ab',
      `sha256:${'0'.repeat(64)}`,
      '0123456789ab',
      'web=sha256:0123456789ab,api=sha256:ba9876543210',
    ),
  },
);

/** Anything a command line may hold: text, options of any command, `--`, numbers, help. */
const anyToken = fc.oneof(
  { weight: 4, arbitrary: text },
  {
    weight: 2,
    arbitrary: fc.constantFrom(...COMMAND_NAMES.flatMap(flagsOf), ...HELP, ...PROGRAM_FLAGS),
  },
  { weight: 1, arbitrary: fc.constantFrom('--', '-', '-5', '-1.5e3', '--x=y', '-yq', '-Vh') },
  { weight: 1, arbitrary: fc.constantFrom(...COMMAND_NAMES, 'help') },
);

/** An argument no parser reads as an option: it does not start with '-'. */
const operand = text.filter((t) => !t.startsWith('-'));

/** The value of an option: anything, `--debug` too (see the last test of this file). */
const optionValue = anyToken;

/** An option of `command` whose value, if it takes one, follows it (`--app x` or `--app=x`). */
function option(command: string): fc.Arbitrary<string[]> {
  const { values, switches } = COMMANDS[command];
  const valued = Object.keys(values);
  return fc.oneof(
    ...(switches.length ? [fc.constantFrom(...switches).map((s) => [s])] : []),
    fc.tuple(fc.constantFrom(...valued), optionValue, fc.boolean()).map(([flag, value, joined]) =>
      // Only a long option takes its value after '='.
      joined && flag.startsWith('--') ? [`${flag}=${value}`] : [flag, value],
    ),
  );
}

/** Options of `command` only, each with its value. */
const options = (command: string, maxLength = 3) =>
  fc.array(option(command), { maxLength }).map((units) => units.flat());

/** Options of `command`, each with its value, and arguments, in any order. */
const optionsAndOperands = (command: string, maxLength = 3) =>
  fc
    .array(
      fc.oneof(
        option(command),
        operand.map((o) => [o]),
      ),
      { maxLength },
    )
    .map((units) => units.flat());

/** Options by their form (built once: a regular expression's arbitrary is slow to build). */
const longOption = fc.stringMatching(/^--[a-z][a-z0-9-]{0,15}$/);
const shortOption = fc.stringMatching(/^-[a-zA-Z]$/);
const longOptionWithValue = fc
  .tuple(fc.stringMatching(/^--[a-z][a-z-]{0,8}$/), text)
  .map(([flag, value]) => `${flag}=${value}`);

/** An option no command nor the program has (a long or short one, or a switch given a value). */
function unknownOption(command: string | undefined): fc.Arbitrary<string> {
  const known = new Set([...(command ? flagsOf(command) : []), ...HELP, ...PROGRAM_FLAGS]);
  const longSwitches = [...(command ? COMMANDS[command].switches : []), '--debug'].filter((s) =>
    s.startsWith('--'),
  );
  return fc.oneof(
    fc
      .oneof(longOption, shortOption, longOptionWithValue)
      .filter((flag) => !known.has(flag.split('=')[0])),
    // A switch given a value is no option either.
    fc.constantFrom(...longSwitches).map((flag) => `${flag}=1`),
  );
}

/** Values a parser refuses: near misses of what it reads, and any text. */
function refusedValue(parser: Parser): fc.Arbitrary<string> {
  const hex = (min: number, max: number) =>
    fc.string({
      unit: fc.constantFrom(...'0123456789abcdefABCDEFgx:'),
      minLength: min,
      maxLength: max,
    });
  return fc
    .oneof(
      // Digests and release ids of the wrong length, with the wrong characters or prefix.
      fc
        .tuple(
          fc.constantFrom('sha256:', 'sha256', 'SHA256:', 'sha512:', '', 'web=sha256:'),
          hex(0, 70),
        )
        .map(([prefix, digits]) => `${prefix}${digits}`),
      // Numbers that are not whole numbers of at least 1.
      fc.constantFrom(
        '0',
        '-1',
        '1.5',
        ' ',
        '1e400',
        'NaN',
        'Infinity',
        '0x',
        '1_000',
        '１',
        'many',
      ),
      fc.oneof(fc.integer({ max: 0 }), fc.double()).map(String),
      // Times to live, stage lists and state stores it cannot read.
      fc.constantFrom('3', 'days', '3 fortnights', '-1 day', '1.5 days', 'soon', ',', ',,', ''),
      fc.constantFrom('PG', 'postgres', ' pg', 'local '),
      anyToken,
    )
    .filter((value) => value !== '--debug' && refuses(parser, value));
}

// ---------------------------------------------------------------------------------------------
// Generated command lines, each refused by the parser (or asking for the help or version)
// ---------------------------------------------------------------------------------------------

interface Line {
  readonly argv: readonly string[];
  /** How the line must end. */
  readonly expect: 'refused' | 'help' | 'version' | 'usage';
  /**
   * Where the error comes from: `[<command>]`, or the CLI's name when no command was read.
   * @default - the command the line starts with
   */
  readonly name?: string;
  /** What the error says, when nothing else on the line can be refused first. */
  readonly reason?: string;
}

const commandWith = (pick: (model: CommandModel, name: string) => boolean) =>
  fc.constantFrom(...COMMAND_NAMES.filter((name) => pick(COMMANDS[name], name)));
const anyCommand = commandWith(() => true);
const tokens = (maxLength = 4) => fc.array(anyToken, { maxLength });
const debug = fc.boolean().map((on) => (on ? ['--debug'] : []));

/** Whether every option on the line takes a value without a parser (none can be refused). */
const unparsed = (command: string, argv: readonly string[]) =>
  argv.every((token) => COMMANDS[command].values[token.split('=')[0]] === undefined);

/**
 * Whether the options on the line are refused before an unknown option or the arguments are: a
 * mandatory option missing, or two that exclude each other (the parser checks those first).
 */
function refusedFirst(command: string, argv: readonly string[]): boolean {
  const { mandatory, conflicts = [] } = COMMANDS[command];
  const given = new Set(argv.map((token) => token.split('=')[0]));
  return (
    (mandatory !== undefined && !given.has(mandatory)) ||
    conflicts.some(([a, b]) => given.has(a) && given.has(b))
  );
}

/** Whether the parser refuses the options and arguments for `reason` and nothing else. */
const onlyFor = (command: string, argv: readonly string[], after: readonly string[]) =>
  after.length === 0 && unparsed(command, argv) && !refusedFirst(command, argv);

/** An unknown option after the command's options and arguments, or before the command. */
const unknownOptionLine: fc.Arbitrary<Line> = anyCommand.chain((command) =>
  fc
    .record({
      debug,
      before: optionsAndOperands(command),
      poison: unknownOption(command),
      programPoison: unknownOption(undefined),
      atProgram: fc.boolean(),
      after: tokens(),
    })
    .map(({ debug: d, before, poison, programPoison, atProgram, after }): Line => {
      if (atProgram) {
        return {
          argv: [...d, programPoison, command, ...before, ...after],
          expect: 'refused',
          name: CLI,
          reason: after.length === 0 ? `unknown option '${programPoison}'` : undefined,
        };
      }
      return {
        argv: [...d, command, ...before, poison, ...after],
        expect: 'refused',
        reason: onlyFor(command, before, after) ? `unknown option '${poison}'` : undefined,
      };
    }),
);

/** An option or argument whose value its parser refuses (a digest, a release, a number, ...). */
const refusedValueLine: fc.Arbitrary<Line> = fc.oneof(
  commandWith((m) => Object.values(m.values).some(Boolean)).chain((command) => {
    const parsed = Object.entries(COMMANDS[command].values).filter(
      (entry): entry is [string, Parser] => entry[1] !== undefined,
    );
    return fc
      .record({
        before: optionsAndOperands(command),
        flag: fc.constantFrom(...parsed),
        joined: fc.boolean(),
        after: tokens(),
      })
      .chain(({ before, flag: [flag, parser], joined, after }) =>
        refusedValue(parser).map((value): Line => ({
          argv: [command, ...before, ...(joined ? [`${flag}=${value}`] : [flag, value]), ...after],
          expect: 'refused',
          // A malformed value is refused as the parser reads it, before any other check.
          reason:
            after.length === 0 && unparsed(command, before)
              ? `argument '${value}' is invalid`
              : undefined,
        })),
      );
  }),
  // approve ENVIRONMENT RELEASE and expire-reviews TTL: the argument its parser refuses.
  fc.constantFrom('approve', 'expire-reviews').chain((command) =>
    fc
      .record({
        environment: operand,
        release: refusedValue(releaseToApprove).filter((v) => !v.startsWith('-')),
        ttl: refusedValue(timeToLive).filter((v) => !v.startsWith('-')),
        before: options(command),
        after: tokens(),
      })
      .map(({ environment, release, ttl, before, after }): Line => {
        const args = command === 'approve' ? [environment, release] : [ttl];
        return {
          argv: [command, ...before, ...args, ...after],
          expect: 'refused',
          reason: onlyFor(command, before, after)
            ? `command-argument value '${args[args.length - 1]}' is invalid`
            : undefined,
        };
      }),
  ),
);

/** An option that takes a value, last on the line. */
const missingValueLine: fc.Arbitrary<Line> = anyCommand.chain((command) =>
  fc
    .record({
      before: optionsAndOperands(command),
      flag: fc.constantFrom(...Object.keys(COMMANDS[command].values)),
    })
    .map(({ before, flag }): Line => ({
      argv: [command, ...before, flag],
      expect: 'refused',
      reason: unparsed(command, before) ? `option '${flag} ` : undefined,
    })),
);

/** More arguments than the command takes: after its options, or after `--`. */
const tooManyLine: fc.Arbitrary<Line> = commandWith((m) => m.arguments[1] !== Infinity).chain(
  (command) => {
    const max = COMMANDS[command].arguments[1];
    return fc
      .record({
        before: options(command),
        afterDashes: fc.boolean(),
        args: fc.array(operand, { minLength: max + 1, maxLength: max + 3 }),
        dashed: fc.array(anyToken, { minLength: max + 1, maxLength: max + 3 }),
        after: tokens(),
      })
      .map(({ before, afterDashes, args, dashed, after }): Line => {
        // Whatever follows `--` is an argument, even what looks like an option.
        const argv = afterDashes
          ? [command, ...before, '--', ...dashed]
          : [command, ...before, ...args, ...after];
        return {
          argv,
          expect: 'refused',
          reason: onlyFor(command, before, afterDashes ? [] : after)
            ? `too many arguments for '${command}'`
            : undefined,
        };
      });
  },
);

/** Fewer arguments than the command needs, with any of its options: nothing else. */
const missingArgumentLine: fc.Arbitrary<Line> = commandWith((m) => m.arguments[0] > 0).chain(
  (command) =>
    fc
      .record({
        units: fc.array(option(command), { maxLength: 3 }),
        args: fc.array(operand, { maxLength: COMMANDS[command].arguments[0] - 1 }),
      })
      .map(({ units, args }): Line => {
        const argv = [command, ...units.flat(), ...args];
        return {
          argv,
          expect: 'refused',
          reason: onlyFor(command, argv.slice(1), []) ? 'missing required argument' : undefined,
        };
      }),
);

/** Options that exclude each other, among others, anywhere on the line. */
const conflictLine: fc.Arbitrary<Line> = commandWith((m) => m.conflicts !== undefined).chain(
  (command) => {
    const model = COMMANDS[command];
    const unit = (flag: string) => (flag in model.values ? [flag, 'x'] : [flag]);
    return fc
      .record({
        pair: fc.constantFrom(...(model.conflicts ?? [])),
        others: fc.array(option(command), { maxLength: 2 }),
        after: tokens(),
      })
      .chain(({ pair, others, after }) => {
        const units = [unit(pair[0]), unit(pair[1]), ...others];
        return fc
          .shuffledSubarray(units, { minLength: units.length, maxLength: units.length })
          .map((shuffled): Line => {
            const argv = shuffled.flat();
            return {
              argv: [command, ...argv, ...after],
              expect: 'refused',
              reason:
                after.length === 0 && unparsed(command, argv)
                  ? 'cannot be used with option'
                  : undefined,
            };
          });
      });
  },
);

/** migrate-state without --to, whatever else the line holds. */
const missingMandatoryLine: fc.Arbitrary<Line> = fc
  .record({
    before: options('migrate-state').filter((argv) => !argv.some((t) => t.startsWith('--to'))),
    after: tokens().filter((argv) => !argv.some((t) => t.startsWith('--to'))),
  })
  .map(({ before, after }): Line => ({
    argv: ['migrate-state', ...before, ...after],
    expect: 'refused',
    reason:
      after.length === 0 && unparsed('migrate-state', before)
        ? "required option '--to <store>' not specified"
        : undefined,
  }));

/** A first word that is no command. */
const unknownCommandLine: fc.Arbitrary<Line> = fc
  .record({
    debug,
    word: operand.filter((w) => !COMMAND_NAMES.includes(w) && w !== 'help'),
    after: tokens(),
  })
  .map(({ debug: d, word, after }): Line => ({
    argv: [...d, word, ...after],
    expect: 'refused',
    name: CLI,
    reason: after.length === 0 ? `unknown command '${word}'` : undefined,
  }));

/** -h or --help after a command's options and arguments, or alone, or `help <command>`. */
const helpLine: fc.Arbitrary<Line> = fc.oneof(
  anyCommand.chain((command) =>
    fc
      .record({
        debug,
        before: optionsAndOperands(command),
        help: fc.constantFrom(...HELP),
        after: tokens(),
      })
      .map(({ debug: d, before, help, after }): Line => ({
        argv: [...d, command, ...before, help, ...after],
        expect: 'help',
      })),
  ),
  fc
    .record({ debug, help: fc.constantFrom(...HELP), after: tokens() })
    .map(({ debug: d, help, after }): Line => ({
      argv: [...d, help, ...after],
      expect: 'help',
      name: CLI,
    })),
  fc
    .record({ command: fc.oneof(anyCommand, operand), after: tokens(2) })
    .map(({ command, after }): Line => ({
      argv: ['help', command, ...after],
      expect: 'help',
      name: CLI,
    })),
);

/** -V or --version before the command (the program's options come before it). */
const versionLine: fc.Arbitrary<Line> = fc
  .record({
    debug,
    flag: fc.constantFrom(...VERSION_FLAGS),
    after: tokens(),
  })
  .map(({ debug: d, flag, after }): Line => ({
    argv: [...d, flag, ...after],
    expect: 'version',
  }));

/** No command at all: the usage, as an error. */
const noCommandLine: fc.Arbitrary<Line> = fc
  .nat({ max: 2 })
  .map((n): Line => ({ argv: Array<string>(n).fill('--debug'), expect: 'usage', name: CLI }));

// ---------------------------------------------------------------------------------------------
// How a line must end
// ---------------------------------------------------------------------------------------------

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `[<name>] error: <message>.` then `[<name>] fix: Nothing was done. <help> shows what it takes.` */
function refusal(name: string): RegExp {
  const help = name === CLI ? `${CLI} --help` : `${CLI} ${name} --help`;
  return new RegExp(
    `^\\[${escape(name)}\\] error: ([\\s\\S]+)\\.\\n\\[${escape(name)}\\] fix: Nothing was done\\. ${escape(help)} shows what it takes\\.\\n$`,
  );
}

/** The name a refusal of the line comes from: its command, or the CLI's when it has none. */
function nameOf(line: Line): string {
  if (line.name !== undefined) return line.name;
  const first = line.argv.find((t) => t !== '--debug');
  return first !== undefined && first in COMMANDS ? first : CLI;
}

/**
 * Whether the line holds a help or version flag: the program may honour one anywhere (-V also
 * first in a group of short flags, e.g. -Vh; even as an option's value, or after `--` when an
 * unknown option came before it).
 */
const asksForHelpOrVersion = (argv: readonly string[]) =>
  argv.some((t) => [...HELP, '--version'].includes(t) || t.startsWith('-V'));

/**
 * Runs a generated line and checks how it ended: never a crash (exit 70) nor a stack trace;
 * exit 0 with the help or the version on standard output, or exit 64 with the CLI's two lines of
 * a refused command line (or the usage, when there is no command) on standard error; and nothing
 * written to the folder.
 */
async function checkLine(line: Line): Promise<void> {
  const result = await cli(...line.argv);
  const output = result.stdout + result.stderr;
  // A crash's two lines, and a stack's lines.
  expect(output).not.toMatch(/^\[[^\]\n]+\] crashed: |This is a bug of |^\s+at .+:\d+:\d+\)?$/m);
  expect(result.code).not.toBe(ExitCode.CRASH);
  expect([ExitCode.OK, ExitCode.USAGE]).toContain(result.code);
  expect(readdirSync(root)).toEqual([]);
  const name = nameOf(line);
  let outcome: string;
  if (result.code === ExitCode.OK) {
    // Only a help or version flag the program honours ends a line with 0: nothing ran.
    expect(asksForHelpOrVersion(line.argv) || line.argv[0] === 'help').toBe(true);
    expect(result.stderr).toBe('');
    if (result.stdout === `${VERSION}\n`) outcome = 'version';
    else {
      expect(result.stdout).toMatch(/^Usage: cdktf-pipeline /);
      outcome = 'help';
    }
  } else if (result.stderr.startsWith('Usage: ')) {
    // No command (or `help` of none): the CLI's usage, on standard error.
    expect(line.expect === 'usage' || line.argv[0] === 'help').toBe(true);
    expect(result.stderr).toMatch(/^Usage: cdktf-pipeline \[options\] \[command\]\n/);
    expect(result.stdout).toBe('');
    outcome = 'usage';
  } else {
    expect(line.expect).not.toBe('usage');
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(refusal(name));
    // A line break in a value is shown as `\n`: the error stays one line.
    if (line.reason !== undefined) {
      expect(result.stderr).toContain(line.reason.replace(/\r?\n/g, '\\n'));
    }
    outcome = 'refused';
  }
  if (line.expect === 'version') expect(outcome).toBe('version');
  if (line.expect === 'usage') expect(outcome).toBe('usage');
  ended[outcome] = (ended[outcome] ?? 0) + 1;
}

const property = (lines: fc.Arbitrary<Line>, numRuns: number) =>
  fc.assert(fc.asyncProperty(lines, checkLine), { seed: PROPERTY_SEED, numRuns });

describe('generated command lines of the CLI (in this process, in an empty folder)', () => {
  test('an unknown option, after a command or before it, is refused: exit 64, "[command] error: unknown option ..." and the fix line, nothing run', async () => {
    await property(unknownOptionLine, 200);
  });

  test('a value its parser refuses (digests and release ids of the wrong length or characters, numbers, times to live, stage lists, state stores) is refused: exit 64 and the error and fix lines', async () => {
    await property(refusedValueLine, 200);
  });

  test('an option that takes a value, last on the line, is refused: exit 64, "option ... argument missing"', async () => {
    await property(missingValueLine, 150);
  });

  test('more arguments than a command takes, after its options or after `--`, are refused: exit 64, "too many arguments"', async () => {
    await property(tooManyLine, 150);
  });

  test('fewer arguments than a command needs (destroy, plan, approve, check, expire-reviews, ansible) are refused: exit 64, "missing required argument"', async () => {
    await property(missingArgumentLine, 150);
  });

  test('options that exclude each other (status --json --markdown, run with two events) are refused: exit 64, "cannot be used with"', async () => {
    await property(conflictLine, 100);
  });

  test('migrate-state without --to is refused: exit 64, "required option \'--to <store>\' not specified"', async () => {
    await property(missingMandatoryLine, 100);
  });

  test('a first word that is no command is refused: exit 64, "[cdktf-pipeline] error: unknown command ..."', async () => {
    await property(unknownCommandLine, 150);
  });

  test('-h, --help or help COMMAND prints the help (exit 0), or the line is refused (exit 64) for a malformed value; nothing runs', async () => {
    await property(helpLine, 150);
  });

  test('-V or --version before the command prints the version alone: exit 0', async () => {
    await property(versionLine, 100);
  });

  test('no command prints the usage to standard error: exit 64', async () => {
    await property(noCommandLine, 10);
  });
});

describe('the command table the generators use', () => {
  /** The commands, arguments and options `--help` shows. */
  async function helpOf(command?: string): Promise<string> {
    const result = await cli(...(command === undefined ? [] : [command]), '--help');
    expect(result.code).toBe(ExitCode.OK);
    return result.stdout;
  }

  test('names every command of the CLI', async () => {
    const listing = await helpOf();
    const commands = [...listing.slice(listing.indexOf('Commands:')).matchAll(/^ {2}([a-z-]+) /gm)]
      .map((m) => m[1])
      .filter((c) => c !== 'help');
    expect(commands.sort()).toEqual([...COMMAND_NAMES].sort());
  });

  test.each(COMMAND_NAMES)(
    '%s: the arguments and options of its --help, each option with a value or without',
    async (command) => {
      const help = await helpOf(command);
      const usage = new RegExp(`^Usage: ${CLI} ${command} \\[options\\](.*)$`, 'm').exec(help);
      const args = (usage?.[1] ?? '').trim().split(/\s+/).filter(Boolean);
      const min = args.filter((a) => a.startsWith('<')).length;
      const max = args.some((a) => a.endsWith('...>') || a.endsWith('...]'))
        ? Infinity
        : args.length;
      const optionsPart = help.slice(help.indexOf('Options:'));
      const flags = [...optionsPart.matchAll(/^ {2}(?:(-\w), )?(--[\w-]+)( <[^>]+>)?/gm)]
        .filter((m) => m[2] !== '--help')
        .map((m) => ({ flags: m[1] ? [m[1], m[2]] : [m[2]], value: m[3] !== undefined }));
      const model = COMMANDS[command];
      expect({ arguments: [min, max], ...byKind(flags) }).toEqual({
        arguments: model.arguments,
        values: Object.keys(model.values).sort(),
        switches: [...model.switches].sort(),
      });
    },
  );

  function byKind(flags: { flags: string[]; value: boolean }[]) {
    return {
      values: flags
        .filter((f) => f.value)
        .flatMap((f) => f.flags)
        .sort(),
      switches: flags
        .filter((f) => !f.value)
        .flatMap((f) => f.flags)
        .sort(),
    };
  }
});

describe('--debug, an option of the program and of every command', () => {
  // Found while building the generators above: the program read --debug wherever it was, also
  // where an option expected its value, and the option then took the next argument: --name took
  // '--bogus', the unknown option was never refused, and init ran (refusing the name itself);
  // with deploy --app, the next argument became the app's command, and it ran.
  test('is the value of an option that takes one, like any other argument: init --name --debug --bogus is refused for --bogus, as init --name --other --bogus is', async () => {
    const unknown = {
      code: ExitCode.USAGE,
      stdout: '',
      stderr:
        "[init] error: unknown option '--bogus'.\n" +
        `[init] fix: Nothing was done. ${CLI} init --help shows what it takes.\n`,
    };
    expect(await cli('init', '--name', '--other', '--bogus')).toEqual(unknown);
    expect(await cli('init', '--name', '--debug', '--bogus')).toEqual(unknown);
    expect(readdirSync(root)).toEqual([]);
  });
});
