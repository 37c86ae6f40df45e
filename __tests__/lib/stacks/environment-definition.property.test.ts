/**
 * Property-based tests (fast-check) of the environment definition: generated sets of environments
 * of the sample delivery (stacks/sample-delivery.ts), valid ones, and valid ones with one field
 * of one environment set to what untyped JavaScript can pass.
 *
 * Every property of this file runs with one seed: FC_SEED when set, else a random one. The file
 * prints it once when it ends, and a failure report shows it with the counterexample. Replay a
 * failure with that seed (the same runs, the same counterexample):
 *
 *   FC_SEED=<seed> scripts/with-env npx jest __tests__/lib/stacks/environment-definition.property.test.ts
 *
 * (add `-t '<test title>'` to run only the property that failed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { App, Testing } from 'cdktf';
import fc from 'fast-check';

import { review } from '../../../environments/review';
import {
  Approval,
  ConfigurationError,
  Delivery,
  EnvironmentConfig,
  EnvironmentParity,
  validateEnvironments,
  VARIABLES_FILE,
} from '../../../lib';
import { sampleDelivery } from '../../../stacks/sample-delivery';
import { SERVICES as SAMPLE_SERVICES } from '../../../stacks/sample-service';
import { SAMPLE_SETTINGS, SampleSettings } from '../../../stacks/sample-settings';
import { PROPERTY_SEED, seedLine } from '../../helpers/property';
import { PROJECT_ROOT, SAMPLE_IMAGE_NAMES } from '../../helpers/test-app';

/** How the properties' cases ended, for the one line printed when the file ends. */
const outcomes = { synthesized: 0, refused: 0, validated: 0, mutatedButValid: 0 };

afterAll(() => {
  console.log(
    seedLine(
      `valid sets synthesized: ${outcomes.synthesized}; mutated sets refused: ${outcomes.refused}, ` +
        `accepted by validation: ${outcomes.validated}, synthesized: ${outcomes.mutatedButValid}`,
    ),
  );
});

// ---------------------------------------------------------------------------------------------
// Valid environment sets
// ---------------------------------------------------------------------------------------------

type Config = EnvironmentConfig<SampleSettings>;

/** A generated environment before its upstream is resolved to another environment's name. */
interface EnvironmentDraft {
  readonly config: Omit<Config, 'upstream'>;
  /** 0: the image stage; n: the n-th environment generated before this one (modulo). */
  readonly upstreamChoice: number;
  /** Where the environment goes in the delivery's list (sorted by it). */
  readonly position: number;
}

/** A generated valid set of environments and the options of the sample delivery. */
interface EnvironmentSet {
  readonly environments: readonly Config[];
  /** At most one review id: its environment comes from environments/review.ts. */
  readonly reviewIds: readonly string[];
  readonly namePrefix?: string;
  readonly reviewsAsInstances: boolean;
}

/** Environment names: lowercase words joined by '-', up to 40 characters, never 'image'. */
const environmentName = fc
  .oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[a-z][a-z0-9]{0,9}(-[a-z0-9]{1,6}){0,2}$/) },
    { weight: 1, arbitrary: fc.constantFrom('a', 'z9', 'x'.repeat(40), `q${'-1'.repeat(19)}`) },
  )
  .filter((name) => name !== 'image');

/** Names of environment variables: the rule's edges, and names that are also Object's. */
const variableName = fc
  .oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '_',
        'LOG_LEVEL',
        'PATH',
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
      ),
    },
  )
  // The delivery defines these two for its services: no environment may set them.
  .filter((name) => name !== 'UPSTREAM_URL' && name !== 'SERVICE_NAME');

/** One-line values: any text, unicode, Terraform's template syntax (a literal in a variable). */
const variableValue = fc
  .oneof(
    { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '${HOME}',
        '%{ if true }x%{ endif }',
        '"quoted" \\ \t',
        'ß→日本語🚀',
        'x'.repeat(2000),
      ),
    },
  )
  .filter((value) => !/[\n\r\0]/.test(value));

const variables = fc.dictionary(variableName, variableValue, { maxKeys: 4 });

/** The optional limits of a service: each left out, or within its documented range. */
const limits = fc.record(
  {
    memoryMb: fc.oneof(fc.integer({ min: 6, max: 1024 * 1024 }), fc.constantFrom(6, 1024 * 1024)),
    cpus: fc.oneof(fc.double({ min: 0.01, max: 256, noNaN: true }), fc.constantFrom(0.01, 256)),
    env: variables,
  },
  { requiredKeys: [] },
);

const replicas = fc.oneof(fc.integer({ min: 1, max: 20 }), fc.constantFrom(1, 20));

/**
 * The published service's replicas and first host port: ports from 1024 to 65535 for every
 * replica (port + replicas - 1), clear of the registry's port 5000.
 */
const published = fc
  .record({
    replicas,
    port: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 1024, max: 65535 }) },
      { weight: 1, arbitrary: fc.constantFrom(1024, 4999, 5001, 8080, 65535) },
    ),
  })
  .map(({ replicas: r, port }) => {
    const last = Math.min(port, 65536 - r);
    // A range over port 5000 moves just past it.
    return { replicas: r, port: last <= 5000 && last + r - 1 >= 5000 ? 5001 : last };
  });

const draft: fc.Arbitrary<EnvironmentDraft> = fc
  .record({
    name: environmentName,
    upstreamChoice: fc.nat({ max: 4 }),
    position: fc.nat({ max: 100 }),
    approval: fc.constantFrom(Approval.none(), Approval.required('approvals/prod.txt')),
    web: fc.tuple(published, limits),
    api: fc.tuple(replicas, limits),
    publishAddress: fc.option(fc.oneof(fc.ipV4(), fc.constantFrom('0.0.0.0', '127.0.0.1'))),
    settings: fc.record(
      {
        dataSizeMb: fc.oneof(fc.integer({ min: 1, max: 256 }), fc.constantFrom(1, 256)),
        dataRetention: fc.constantFrom('1d', '7d', '30d'),
      },
      { requiredKeys: ['dataSizeMb'] },
    ),
    source: fc.oneof(
      fc.constant('environments/generated.ts'),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    ),
  })
  .map(
    ({ name, upstreamChoice, position, approval, web, api, publishAddress, settings, source }) => ({
      upstreamChoice,
      position,
      config: {
        name,
        approval,
        services: { web: { ...web[0], ...web[1] }, api: { replicas: api[0], ...api[1] } },
        ...(publishAddress === null ? {} : { publishAddress }),
        settings,
        source,
      },
    }),
  );

/** The host ports the web service of an environment publishes (containers: one per replica). */
function webPorts(environment: Config): [number, number] {
  const web = environment.services.web;
  const port = web.port ?? 0;
  return [port, port + web.replicas - 1];
}

const overlap = ([a, b]: [number, number], [c, d]: [number, number]) => a <= d && c <= b;

/**
 * Valid sets of two to four environments: unique names, upstreams that lead to the image stage
 * (each names the image stage or an environment generated before it, whatever the list's order),
 * web port ranges that do not overlap one another nor the review environment's.
 */
const environmentSet: fc.Arbitrary<EnvironmentSet> = fc
  .record({
    drafts: fc.uniqueArray(draft, { minLength: 2, maxLength: 4, selector: (d) => d.config.name }),
    reviewId: fc.option(fc.integer({ min: 0, max: 99999 }).map(String)),
    namePrefix: fc.option(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,19}$/), { nil: undefined }),
    reviewsAsInstances: fc.boolean(),
  })
  .map(({ drafts, reviewId, namePrefix, reviewsAsInstances }) => {
    const resolved = drafts.map((d, i): { position: number; config: Config } => {
      const choice = d.upstreamChoice % (i + 1);
      const upstream = choice === 0 ? 'image' : drafts[choice - 1].config.name;
      return { position: d.position, config: { ...d.config, upstream } as Config };
    });
    const environments = [...resolved].sort((a, b) => a.position - b.position).map((r) => r.config);
    return {
      environments,
      reviewIds: reviewId === null ? [] : [reviewId],
      reviewsAsInstances,
      ...(namePrefix === undefined ? {} : { namePrefix }),
    };
  })
  .filter((set) => {
    const all = [...set.environments, ...set.reviewIds.map((id) => review(id))];
    if (new Set(all.map((e) => e.name)).size !== all.length) return false;
    const ranges = all.map(webPorts);
    return ranges.every((r, i) => ranges.slice(i + 1).every((other) => !overlap(r, other)));
  });

/** The sample delivery with these environments, on a test App. */
function deliveryOf(
  set: EnvironmentSet,
  environments: readonly unknown[] = set.environments,
): {
  app: App;
  delivery: Delivery;
} {
  const app = Testing.app();
  const delivery = sampleDelivery(app, {
    environments: environments as readonly Config[],
    reviewIds: set.reviewIds,
    namePrefix: set.namePrefix,
    reviewsAsInstances: set.reviewsAsInstances,
  });
  return { app, delivery };
}

/** What synthesis wrote for one environment stack. */
interface WrittenStack {
  readonly name: string;
  readonly declared: { readonly [variable: string]: { default?: unknown; sensitive?: boolean } };
  readonly values: { readonly [variable: string]: unknown };
}

/**
 * Synthesizes the app and checks parity (the library's own check), then reads what synthesis
 * wrote for each environment stack of the delivery.
 */
function synthesizeWithParity(app: App, delivery: Delivery): WrittenStack[] {
  const names = delivery.environments.map((e) => e.node.id);
  expect(EnvironmentParity.check(app)).toEqual({ stacks: names, differences: [] });
  return names.map((name) => {
    const dir = join(app.outdir, 'stacks', name);
    const config = JSON.parse(readFileSync(join(dir, 'cdk.tf.json'), 'utf8')) as {
      variable?: WrittenStack['declared'];
    };
    const values = JSON.parse(readFileSync(join(dir, VARIABLES_FILE), 'utf8')) as {
      [variable: string]: unknown;
    };
    return { name, declared: config.variable ?? {}, values };
  });
}

/**
 * The variables file of a stack against its declarations: every declared variable without a
 * default has a value (a sensitive one none: the deploying process gives it), and no value is
 * there for a variable the stack does not declare.
 */
function variablesFileProblems(stack: WrittenStack): {
  missing: string[];
  undeclared: string[];
  sensitiveWithValue: string[];
} {
  const declared = Object.entries(stack.declared);
  const given = (name: string) => Object.hasOwn(stack.values, name);
  return {
    missing: declared
      .filter(([name, v]) => v.default === undefined && v.sensitive !== true && !given(name))
      .map(([name]) => name),
    undeclared: Object.keys(stack.values).filter((name) => !Object.hasOwn(stack.declared, name)),
    sensitiveWithValue: declared
      .filter(([name, v]) => v.sensitive === true && given(name))
      .map(([name]) => name),
  };
}

const NO_VARIABLES_FILE_PROBLEM = { missing: [], undeclared: [], sensitiveWithValue: [] };

/**
 * The variable values an environment gives its stack, with the documented defaults of what it
 * leaves out (memory 256 MiB, 0.5 CPUs, publish address 127.0.0.1, data retention 7d).
 */
function expectedValues(environment: Config, namePrefix = ''): { [variable: string]: unknown } {
  const { web, api } = environment.services;
  return {
    environment: environment.name,
    name_prefix: namePrefix,
    upstream_stage: environment.upstream,
    require_approval: environment.approval.isRequired,
    publish_address: environment.publishAddress ?? '127.0.0.1',
    web_replicas: web.replicas,
    web_port: web.port,
    web_memory_mb: web.memoryMb ?? 256,
    web_cpus: web.cpus ?? 0.5,
    web_env: { ...web.env },
    api_replicas: api.replicas,
    api_memory_mb: api.memoryMb ?? 256,
    api_cpus: api.cpus ?? 0.5,
    api_env: { ...api.env },
    setting_data_size_mb: environment.settings.dataSizeMb,
    setting_data_retention: environment.settings.dataRetention ?? '7d',
  };
}

const pick = (values: { readonly [variable: string]: unknown }, names: readonly string[]) =>
  Object.fromEntries(names.map((name) => [name, values[name]]));

describe('generated valid environment sets of the sample delivery', () => {
  test('synthesize one stack per environment, with parity, and variables files that give every declared variable its environment value and nothing undeclared', () => {
    fc.assert(
      fc.property(environmentSet, (set) => {
        const { app, delivery } = deliveryOf(set);
        const written = synthesizeWithParity(app, delivery);
        const configs = [...set.environments, ...set.reviewIds.map((id) => review(id))];
        expect(written.map((s) => s.name)).toEqual(configs.map((e) => e.name));
        written.forEach((stack, i) => {
          expect({ stack: stack.name, ...variablesFileProblems(stack) }).toEqual({
            stack: stack.name,
            ...NO_VARIABLES_FILE_PROBLEM,
          });
          const expected = expectedValues(configs[i], set.namePrefix);
          expect(pick(stack.values, Object.keys(expected))).toEqual(expected);
        });
        outcomes.synthesized += 1;
      }),
      { seed: PROPERTY_SEED, numRuns: 6 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Mutated environment sets: one field of one environment set to what untyped JavaScript passes
// ---------------------------------------------------------------------------------------------

/** A mutation's value that removes the field instead of setting it. */
const REMOVED = Symbol('removed');

/** A mutation's value that is the name of another environment of the set (by index). */
class NameOf {
  constructor(public readonly index: number) {}
}

/**
 * Record files an approval may name: in the project (present, missing, with bad lines), a folder
 * of the project, outside it, blank, or no string at all.
 */
const approvalRecord: fc.Arbitrary<unknown> = fc.constantFrom(
  'approvals/prod.txt',
  'approvals/missing.txt',
  '__tests__/fixtures/bad-approvals.txt',
  'approvals',
  'service',
  '.',
  '',
  ' ',
  '../outside.txt',
  '/etc/hostname',
  null,
  42,
);

/**
 * Values untyped JavaScript can pass where a string, a number, a map or a library object is
 * expected, each made afresh (nothing is shared between runs).
 */
const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .constantFrom<() => unknown>(
      () => null,
      () => undefined,
      () => NaN,
      () => Infinity,
      () => -Infinity,
      () => -0,
      () => [],
      () => [1, 'a'],
      () => ({}),
      () => ({ replicas: 1 }),
      () => ({ toString: () => 'dev' }),
      () => Object.create(null),
      () => new Map([['replicas', 1]]),
      () => new Date(0),
      () => /dev/,
      () => Symbol('junk'),
      () => 10n,
      () => () => 'dev',
      () => new Error('not a value'),
      () => new URL('https://example.com/'),
      () => true,
      () => '',
      () => ' ',
      () => 'two\nlines',
      () => 'nul\0',
      () => 'Upper Case',
      () => 'ünïcödé',
      () => '日本語🚀',
      () => 'x'.repeat(5000),
      () => '8080',
      () => 'image',
      () => '0.0.0.0',
      () => '1d',
    )
    .map((make) => make()),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 1023, 1e21, Number.MAX_SAFE_INTEGER + 2, Number.MAX_VALUE, 5000),
  fc.double(),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  environmentName,
  fc.ipV4(),
  fc.nat({ max: 4 }).map((i) => new NameOf(i)),
  fc.anything({ maxDepth: 2, maxKeys: 3 }),
  approvalRecord.map((record) => Approval.required(record as string)),
);

const SERVICES = ['web', 'api'] as const;
/** Keys no shape declares: an environment, its services map, a service's settings, settings. */
const unknownKey = fc.constantFrom('extra', 'Name', 'replica', 'ports', '', '__proto__', 'db');
/** Names of environment variables the rule refuses, or the delivery defines. */
const badVariableName = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '1BAD',
    'A B',
    'a-b',
    'a.b',
    'É',
    '$HOME',
    'new\nline',
    'x'.repeat(300),
    'UPSTREAM_URL',
    'SERVICE_NAME',
  ),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);

/** What one mutation changes in one environment. */
type Target =
  /** The whole environment. */
  | { readonly kind: 'environment' }
  /** The field at `path`, set to the mutation's value (or removed). */
  | { readonly kind: 'field'; readonly path: readonly string[] }
  /** A new environment variable of a service, under a name the rule may refuse. */
  | { readonly kind: 'variable name'; readonly service: string; readonly name: string };

const target: fc.Arbitrary<Target> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'environment' as const }) },
  {
    weight: 6,
    arbitrary: fc
      .oneof(
        fc
          .constantFrom(
            'name',
            'upstream',
            'approval',
            'services',
            'publishAddress',
            'settings',
            'source',
          )
          .map((field) => [field]),
        unknownKey.filter((k) => k !== 'db').map((key) => [key]),
        fc.constantFrom(...SERVICES).map((service) => ['services', service]),
        unknownKey.map((key) => ['services', key]),
        fc
          .tuple(
            fc.constantFrom(...SERVICES),
            fc.oneof(fc.constantFrom('replicas', 'port', 'env', 'memoryMb', 'cpus'), unknownKey),
          )
          .map(([service, field]) => ['services', service, field]),
        fc
          .tuple(fc.constantFrom(...SERVICES), fc.oneof(fc.constant('GREETING'), variableName))
          .map(([service, name]) => ['services', service, 'env', name]),
        fc
          .oneof(fc.constantFrom('dataSizeMb', 'dataRetention'), unknownKey)
          .map((setting) => ['settings', setting]),
      )
      .map((path) => ({ kind: 'field' as const, path })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...SERVICES), badVariableName)
      .map(([service, name]) => ({ kind: 'variable name' as const, service, name })),
  },
);

interface Mutation {
  /** The environment mutated, modulo the set's size. */
  readonly index: number;
  readonly target: Target;
  /** The value set (ignored for a variable name, whose value is a valid one). */
  readonly value: unknown;
}

const mutation: fc.Arbitrary<Mutation> = fc.record({
  index: fc.nat({ max: 3 }),
  target,
  value: fc.oneof({ weight: 1, arbitrary: fc.constant(REMOVED) }, { weight: 9, arbitrary: junk }),
});

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** A copy of `object` with `key` set to `value` (an own property, even '__proto__') or removed. */
function withKey(object: unknown, key: string, value: unknown): Record<string, unknown> {
  const copy: Record<string, unknown> = isObject(object) ? { ...object } : {};
  if (value === REMOVED) Reflect.deleteProperty(copy, key);
  else
    Object.defineProperty(copy, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

/** `object` with the field at `path` set to `value`, copying every object on the way. */
function withField(object: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path;
  const inner = isObject(object) && Object.hasOwn(object, key) ? object[key] : undefined;
  return withKey(object, key, withField(inner, rest, value));
}

/** How the library names an environment in its messages (as JavaScript may pass it). */
function subjectOf(environment: unknown, index: number): string {
  const name = (environment as { name?: unknown } | null | undefined)?.name;
  return typeof name === 'string' ? `environment '${name}'` : `environment #${index + 1}`;
}

/** A mutated set, and which problems name what was mutated. */
interface Mutated {
  readonly environments: readonly unknown[];
  /** The mutated field, as the library writes it in messages. */
  readonly field: string;
  readonly namesMutation: (problem: string) => boolean;
}

function mutate(set: EnvironmentSet, m: Mutation): Mutated {
  const index = m.index % set.environments.length;
  const original = set.environments[index];
  const value =
    m.value instanceof NameOf
      ? set.environments[m.value.index % set.environments.length].name
      : m.value;
  const t = m.target;
  const path =
    t.kind === 'environment'
      ? []
      : t.kind === 'field'
        ? t.path
        : ['services', t.service, 'env', t.name];
  const environment = withField(original, path, t.kind === 'variable name' ? 'a value' : value);
  const environments = set.environments.map((e, i) => (i === index ? environment : e));
  const subject = subjectOf(environment, index);
  // The field the library names: a variable's name is a problem of the service's env.
  const field =
    t.kind === 'environment'
      ? 'environment'
      : t.kind === 'variable name'
        ? `services.${t.service}.env`
        : path.join('.');
  const names = (problem: string, s: string, f: string) =>
    problem.startsWith(`${s}: '${f}' `) || problem.startsWith(`${s}: '${f}.`);
  const accepted: ((problem: string) => boolean)[] = [
    // Whole: every problem of the environment's shape names one of its fields.
    (p) => (t.kind === 'environment' ? p.startsWith(`${subject}: '`) : names(p, subject, field)),
  ];
  if (t.kind === 'environment' || (t.kind === 'field' && path[0] === 'name')) {
    // Without its name, or under another, the environments downstream lose their upstream.
    accepted.push((p) => /^environment (#\d+|'.*'): 'upstream' /s.test(p));
  }
  if (path[0] === 'approval') {
    // A problem of the record it names, by line.
    accepted.push((p) => p.startsWith(`${subject}: 'approval record `));
  }
  if (path[0] === 'services') {
    // The web service's port range follows its port and replicas: it may now overlap another
    // environment's, a problem of whichever comes later.
    accepted.push(
      (p) =>
        p.startsWith(`${subject}: 'services.web.port' `) ||
        (/^environment '.*': 'services\.web\.port' must not overlap /s.test(p) &&
          p.includes(`ports of ${subject} service 'web'`)),
    );
  }
  return { environments, field, namesMutation: (p) => accepted.some((a) => a(p)) };
}

/**
 * Describes what was thrown, for a failure message: its class, message and where it was thrown
 * (Node's own errors come from another realm than the test's `Error`: no `instanceof`).
 */
function described(error: unknown): string {
  if (typeof error !== 'object' || error === null) return `${typeof error} ${String(error)}`;
  const { constructor, message, stack } = error as {
    constructor?: { name?: string };
    message?: unknown;
    stack?: unknown;
  };
  return `${constructor?.name ?? 'an object'}: ${String(message)}\n${String(stack ?? '')}`;
}

/**
 * Checks what was thrown for a mutated set: exactly one ConfigurationError (nothing else), whose
 * problems each name a field, the value and the fix, and include one naming the mutated field.
 */
function checkRefusal(error: unknown, mutated: Mutated): void {
  if (!(error instanceof ConfigurationError)) {
    throw new Error(
      `threw ${described(error)}\ninstead of a ConfigurationError naming '${mutated.field}'`,
    );
  }
  const problems = error.problems;
  expect(problems.length).toBeGreaterThan(0);
  // Each problem: `<subject>: '<field>' <rule>, got <value>. <fix>`.
  for (const problem of problems) {
    expect(problem).toMatch(/^(environment|delivery|service) .*?: '.*' .*, got .*\. \S/s);
  }
  const count =
    problems.length === 1 ? '1 configuration problem' : `${problems.length} configuration problems`;
  expect(error.message.startsWith(`${count}; nothing was deployed:\n`)).toBe(true);
  if (!problems.some(mutated.namesMutation)) {
    throw new Error(
      `no problem names the mutated field '${mutated.field}'; the problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
}

/**
 * Validation as the sample delivery runs it (its services, images and settings, the review
 * environments after the others), on a mutated set: 'refused' after checking the error, or
 * 'valid'.
 */
function validateMutated(set: EnvironmentSet, m: Mutation): 'refused' | 'valid' {
  const mutated = mutate(set, m);
  try {
    validateEnvironments(
      [...mutated.environments, ...set.reviewIds.map((id) => review(id))] as Config[],
      SAMPLE_SERVICES,
      {
        projectRoot: PROJECT_ROOT,
        images: SAMPLE_IMAGE_NAMES,
        settings: SAMPLE_SETTINGS,
        namePrefix: set.namePrefix,
      },
    );
  } catch (error) {
    checkRefusal(error, mutated);
    outcomes.refused += 1;
    return 'refused';
  }
  outcomes.validated += 1;
  return 'valid';
}

/**
 * The sample delivery with a mutated set: it either refuses the set (see `checkRefusal`), or
 * builds it, and then it synthesizes with parity and valid variables files. Returns which.
 */
function deliverMutated(set: EnvironmentSet, m: Mutation): 'refused' | 'valid' {
  const mutated = mutate(set, m);
  let built: { app: App; delivery: Delivery };
  try {
    built = deliveryOf(set, mutated.environments);
  } catch (error) {
    checkRefusal(error, mutated);
    outcomes.refused += 1;
    return 'refused';
  }
  // Still valid (an unknown key, a value within the rules, a field left out that has a default).
  for (const stack of synthesizeWithParity(built.app, built.delivery)) {
    expect({ stack: stack.name, ...variablesFileProblems(stack) }).toEqual({
      stack: stack.name,
      ...NO_VARIABLES_FILE_PROBLEM,
    });
  }
  outcomes.mutatedButValid += 1;
  return 'valid';
}

const nonInteger = fc.double({ noNaN: true }).filter((n) => !Number.isInteger(n));
const notANumber = fc.constantFrom(null, NaN, Infinity, '2', [2], { value: 2 }, true);

/**
 * Fields the rules check, each with values its rule refuses: the set with one of them must be
 * refused, whatever else the set holds.
 */
const refusedMutation: fc.Arbitrary<Mutation> = fc
  .tuple(
    fc.nat({ max: 3 }),
    fc.oneof(
      fc
        .tuple(
          fc.constantFrom(...SERVICES),
          fc.oneof(fc.integer({ min: 21 }), fc.integer({ max: 0 }), nonInteger, notANumber),
        )
        .map(([service, value]) => [['services', service, 'replicas'], value] as const),
      fc
        .oneof(
          fc.integer({ max: 1023 }),
          fc.integer({ min: 65536 }),
          // Every range from 5000 covers the registry's port.
          fc.constantFrom(1023, 5000, 65536),
          nonInteger,
          notANumber,
        )
        .map((value) => [['services', 'web', 'port'], value] as const),
      fc
        .oneof(fc.integer(), fc.double())
        .map((value) => [['services', 'api', 'port'], value] as const),
      fc
        .tuple(
          fc.constantFrom(...SERVICES),
          fc.oneof(
            fc.integer({ max: 5 }),
            fc.integer({ min: 1024 * 1024 + 1 }),
            nonInteger,
            notANumber,
          ),
        )
        .map(([service, value]) => [['services', service, 'memoryMb'], value] as const),
      fc
        .tuple(
          fc.constantFrom(...SERVICES),
          fc.oneof(
            fc.double({ max: 0.01, maxExcluded: true }),
            fc.double({ min: 256, minExcluded: true }),
            notANumber,
          ),
        )
        .map(([service, value]) => [['services', service, 'cpus'], value] as const),
      fc
        .oneof(
          fc.constantFrom('localhost', '::1', '1.2.3', '256.0.0.1', '01.2.3.4', '1.2.3.4 ', ''),
          fc.string({ unit: 'grapheme', maxLength: 15 }).filter((s) => !/^[\d.]+$/.test(s)),
          notANumber,
        )
        .map((value) => [['publishAddress'], value] as const),
      fc
        .oneof(
          fc.constantFrom(
            'Dev',
            'dev env',
            '1dev',
            'dev-',
            '-dev',
            'dev--x',
            'image',
            'x'.repeat(41),
          ),
          fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => `${s}_Ü`),
          notANumber,
        )
        .map((value) => [['name'], value] as const),
      fc
        .oneof(fc.integer({ max: 0 }), fc.integer({ min: 257 }), nonInteger, notANumber)
        .map((value) => [['settings', 'dataSizeMb'], value] as const),
      fc
        .oneof(
          fc.constantFrom('1D', '2d', ' 7d', '', 'two\nlines'),
          fc.constantFrom(null, 7, ['7d'], { days: 7 }),
        )
        .map((value) => [['settings', 'dataRetention'], value] as const),
      fc
        .constantFrom('approvals', 'service', '.', '', ' ', '../outside.txt', '/etc/hostname')
        .map((record) => [['approval'], Approval.required(record)] as const),
    ),
  )
  .map(([index, [path, value]]) => ({ index, target: { kind: 'field' as const, path }, value }));

describe('generated environment sets with one field of one environment set to what untyped JavaScript can pass', () => {
  test('validation refuses them with exactly one ConfigurationError, with a problem naming the mutated field, or accepts them; it never throws another error', () => {
    fc.assert(
      fc.property(environmentSet, mutation, (set, m) => {
        validateMutated(set, m);
      }),
      { seed: PROPERTY_SEED, numRuns: 200 },
    );
  });

  test('the sample delivery refuses them with exactly one ConfigurationError naming the mutated field, or synthesizes them with parity and valid variables files; never another error', () => {
    fc.assert(
      fc.property(environmentSet, mutation, (set, m) => {
        deliverMutated(set, m);
      }),
      { seed: PROPERTY_SEED, numRuns: 20 },
    );
  });

  test('a value the rules refuse for a checked field (replicas, port, memory, CPUs, publish address, name, settings, approval record) is refused by the sample delivery with one ConfigurationError naming that field', () => {
    fc.assert(
      fc.property(environmentSet, refusedMutation, (set, m) => {
        if (deliverMutated(set, m) !== 'refused') {
          const { field } = mutate(set, m);
          const environment = set.environments[m.index % set.environments.length];
          throw new Error(
            `the sample delivery accepted '${field}' = ${fc.stringify(m.value)} in environment '${environment.name}' and synthesized it: no rule refused it`,
          );
        }
      }),
      { seed: PROPERTY_SEED, numRuns: 200 },
    );
  });
});
