import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Network } from '@cdktf/provider-docker/lib/network';
import { App, Aspects, LocalBackend, PgBackend, TerraformStack, Testing } from 'cdktf';
import { Construct, IConstruct } from 'constructs';

import {
  BackendLocation,
  EnvironmentParity,
  EnvironmentStack,
  LocalDockerProvider,
  VARIABLES_FILE,
  VariablesFile,
} from '../../../lib';
import { SynthesizedEnvironment } from '../../../lib/parity/environment-parity';
import { afterSynthesis } from '../../../lib/private/synthesis-hook';
import { parityMatchers } from '../../../lib/testing';
import { testPipeline } from '../../helpers/test-app';

expect.extend(parityMatchers);

const HEADER =
  'parity FAILED: %d difference(s) between environment stacks. Move environment-specific values into Terraform variables (environment config), or make the stacks build the same resources.';
const header = (count: number) => HEADER.replace('%d', String(count));

const LOCAL_STATE: BackendLocation = { attribute: 'path', pattern: '/srv/state/{stack}.tfstate' };

interface TinyProps {
  /**
   * Adds a resource the other stacks do not have.
   * @default false
   */
  readonly extra?: boolean;
  /**
   * Sets up the backend and returns its location rule.
   * @default - a local backend at /srv/state/<stack>.tfstate, with that rule
   */
  readonly backend?: (stack: TerraformStack) => BackendLocation | undefined;
}

/** A minimal environment stack: a network named from a variable of its variables file. */
class TinyEnvironment extends TerraformStack {
  constructor(scope: Construct, id: string, props: TinyProps = {}) {
    super(scope, id);
    const backend =
      props.backend ??
      ((stack: TerraformStack) => {
        new LocalBackend(stack, { path: `/srv/state/${stack.node.id}.tfstate` });
        return LOCAL_STATE;
      });
    EnvironmentParity.include(this, {
      backendLocation: backend(this),
      variablesFile: VARIABLES_FILE,
    });
    new LocalDockerProvider(this, 'Docker');
    const vars = new VariablesFile(this, 'Variables');
    new Network(this, 'Network', { name: vars.string('name', `${id}-net`, 'Network name.') });
    if (props.extra) new Network(this, 'Debug', { name: 'debug-net', internal: true });
  }
}

/** Rewrites a file of the stack after synthesis wrote it, as a synthesizer hook may. */
function editAfterSynthesis(
  stack: TerraformStack,
  file: string,
  edit: (json: Record<string, unknown>) => void,
): void {
  afterSynthesis(stack, (session) => {
    const path = join(session.outdir, 'stacks', stack.node.id, file);
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(json);
    writeFileSync(path, JSON.stringify(json));
  });
}

describe('EnvironmentParity', () => {
  test('passes when stacks differ only in their variable values and state location', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    new TinyEnvironment(app, 'prod');
    expect(app).toHaveEnvironmentParity();
    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      'parity OK: 2 environment stacks synthesize identical Terraform (dev, prod)',
    );
  });

  test('fails on a divergent environment, naming each difference with its path and both values', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    new TinyEnvironment(app, 'staging', { extra: true });
    const report = EnvironmentParity.check(app);
    expect(report).toEqual({
      stacks: ['dev', 'staging'],
      differences: [
        {
          stacks: ['dev', 'staging'],
          path: 'resource.docker_network.Debug',
          expected: undefined,
          actual: { internal: true, name: 'debug-net' },
          expectation: 'reference',
        },
      ],
    });
    const text = [
      header(1),
      '  resource.docker_network.Debug',
      '    dev: (absent)',
      '    staging: {"internal":true,"name":"debug-net"}',
    ].join('\n');
    expect(EnvironmentParity.format(report)).toBe(text);
    const result = parityMatchers.toHaveEnvironmentParity(app);
    expect({ pass: result.pass, message: result.message() }).toEqual({
      pass: false,
      message: text,
    });
  });

  test('a literal that differs between two real environment stacks is caught', () => {
    const { app, pipeline } = testPipeline();
    const staging = pipeline.environments.find((s) => s.node.id === 'staging') as EnvironmentStack;
    staging.deployment.network.addOverride('name', 'staging-net');
    expect(EnvironmentParity.check(app).differences).toEqual([
      {
        stacks: ['dev', 'staging'],
        path: expect.stringMatching(/^resource\.docker_network\.Services_Network_\w+\.name$/),
        expected: '${var.name_prefix}${var.environment}-net',
        actual: 'staging-net',
        expectation: 'reference',
      },
    ]);
  });

  test('compares the files synthesis wrote: what an Aspect or a synthesizer hook changed counts', () => {
    const app = Testing.app();
    const stacks = [
      new TinyEnvironment(app, 'dev'),
      new TinyEnvironment(app, 'staging'),
      new TinyEnvironment(app, 'prod'),
    ];
    // An Aspect runs at synthesis only.
    Aspects.of(stacks[1]).add({
      visit: (node: IConstruct) => {
        if (node instanceof Network && node.node.id === 'Network')
          node.addOverride('internal', true);
      },
    });
    // A hook edits cdk.tf.json after it was written: no construct ever sees it.
    editAfterSynthesis(stacks[2], 'cdk.tf.json', (json) => {
      const resource = json.resource as { docker_network: { Network: object } };
      resource.docker_network.Network = { ...resource.docker_network.Network, attachable: true };
    });
    // What toTerraform() returns: the same network everywhere.
    const network = (stack: TerraformStack) => {
      const config = stack.toTerraform() as {
        resource: { docker_network: { Network: { [key: string]: unknown } } };
      };
      return Object.keys(config.resource.docker_network.Network).filter((key) => key !== '//');
    };
    expect(stacks.map(network)).toEqual([['name'], ['name'], ['name']]);

    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      [
        header(2),
        '  resource.docker_network.Network.internal',
        '    dev: (absent)',
        '    staging: true',
        '  resource.docker_network.Network.attachable',
        '    dev: (absent)',
        '    prod: true',
      ].join('\n'),
    );
  });

  test('the backend is compared: its type and settings, and its location by the declared pattern', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    // Another stage's state.
    new TinyEnvironment(app, 'staging', {
      backend: (stack) => {
        new LocalBackend(stack, { path: '/srv/state/dev.tfstate' });
        return LOCAL_STATE;
      },
    });
    // Another setting.
    new TinyEnvironment(app, 'prod', {
      backend: (stack) => {
        new LocalBackend(stack, { path: '/srv/state/prod.tfstate', workspaceDir: '/srv/ws' });
        return LOCAL_STATE;
      },
    });
    // Another type, whose location follows its own rule.
    new TinyEnvironment(app, 'review-1', {
      backend: (stack) => {
        new PgBackend(stack, { connStr: 'postgres://db/state', schemaName: stack.node.id });
        return { attribute: 'schema_name', pattern: '{stack}' };
      },
    });
    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      [
        header(4),
        '  terraform.backend.local.path',
        '    dev: "/srv/state/{stack}.tfstate"',
        '    staging: "/srv/state/dev.tfstate"',
        '  terraform.backend.local.workspace_dir',
        '    dev: (absent)',
        '    prod: "/srv/ws"',
        '  terraform.backend.local',
        '    dev: {"path":"/srv/state/{stack}.tfstate"}',
        '    review-1: (absent)',
        '  terraform.backend.pg',
        '    dev: (absent)',
        '    review-1: {"conn_str":"postgres://db/state","schema_name":"{stack}"}',
      ].join('\n'),
    );
  });

  test('without a location rule, the backend must be identical', () => {
    const app = Testing.app();
    // cdktf's default backend: a local state file named after the stack.
    new TinyEnvironment(app, 'dev', { backend: () => undefined });
    new TinyEnvironment(app, 'prod', { backend: () => undefined });
    expect(EnvironmentParity.check(app).differences).toEqual([
      {
        stacks: ['dev', 'prod'],
        path: 'terraform.backend.local.path',
        expected: join(process.cwd(), 'terraform.dev.tfstate'),
        actual: join(process.cwd(), 'terraform.prod.tfstate'),
        expectation: 'reference',
      },
    ]);
  });

  test('checks every variables file against the declared variables', () => {
    const config = {
      variable: {
        name: { type: 'string', nullable: false },
        replicas: { type: 'number', nullable: false },
        labels: { type: 'map(string)' },
        debug: { type: 'bool', default: false },
      },
    };
    const environment = (name: string, values: unknown): SynthesizedEnvironment => ({
      name,
      config,
      variablesFile: { name: VARIABLES_FILE, values },
    });
    const report = EnvironmentParity.compare([
      // labels is nullable, debug has a default.
      environment('dev', { name: 'dev', replicas: 1, labels: null }),
      // Convertible by the engine, but not of the declared JSON type; debug set here only.
      environment('staging', { name: 'staging', replicas: '2', labels: {}, debug: true }),
      environment('prod', { name: 'prod', replicas: { count: 3 }, labels: { team: 1 }, zone: 'b' }),
      // A variable without a default is missing.
      environment('review-1', { replicas: 1, labels: {} }),
    ]);
    expect(EnvironmentParity.format(report)).toBe(
      [
        header(6),
        '  terraform.tfvars.json.replicas',
        '    declared: number',
        '    staging: "2"',
        '  terraform.tfvars.json.debug',
        '    dev: (absent)',
        '    staging: true',
        '  terraform.tfvars.json.labels.team',
        '    declared: string',
        '    prod: 1',
        '  terraform.tfvars.json.replicas',
        '    declared: number',
        '    prod: {"count":3}',
        '  terraform.tfvars.json.zone',
        '    declared: (not declared)',
        '    prod: "b"',
        '  terraform.tfvars.json.name',
        '    declared: string',
        '    review-1: (absent)',
      ].join('\n'),
    );
    expect(report.differences[0]).toEqual({
      stacks: ['dev', 'staging'],
      path: 'terraform.tfvars.json.replicas',
      expected: 'number',
      actual: '2',
      expectation: 'declaration',
    });
  });

  test('a sensitive variable has no value in any variables file: the deploying process gives it', () => {
    const config = {
      variable: { token: { type: 'string', nullable: false, sensitive: true } },
    };
    const report = EnvironmentParity.compare([
      { name: 'dev', config, variablesFile: { name: VARIABLES_FILE, values: {} } },
      {
        name: 'prod',
        config,
        variablesFile: { name: VARIABLES_FILE, values: { token: 's3cr3t' } },
      },
    ]);
    // The report names the variable, never the value written down.
    expect(EnvironmentParity.format(report)).toBe(
      [
        header(1),
        '  terraform.tfvars.json.token',
        '    declared: sensitive: no value (the deploying process gives it)',
        '    prod: "(a value)"',
      ].join('\n'),
    );
  });

  test("the reference stack's own variables file is checked too", () => {
    const config = { variable: { name: { type: 'string', nullable: false } } };
    const report = EnvironmentParity.compare([
      { name: 'dev', config, variablesFile: { name: VARIABLES_FILE, values: { name: null } } },
      { name: 'prod', config, variablesFile: { name: VARIABLES_FILE, values: { name: 'prod' } } },
    ]);
    expect(report.differences).toEqual([
      {
        stacks: ['dev', 'dev'],
        path: 'terraform.tfvars.json.name',
        expected: 'string',
        actual: null,
        expectation: 'declaration',
      },
    ]);
  });

  test('reads the variables file that synthesis wrote, after every hook', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    const staging = new TinyEnvironment(app, 'staging');
    editAfterSynthesis(staging, VARIABLES_FILE, (values) => {
      values.name = 42;
      values.debug = true;
    });
    expect(EnvironmentParity.format(EnvironmentParity.check(app))).toBe(
      [
        header(2),
        '  terraform.tfvars.json.debug',
        '    declared: (not declared)',
        '    staging: true',
        '  terraform.tfvars.json.name',
        '    declared: string',
        '    staging: 42',
      ].join('\n'),
    );
  });

  test('synthesis lists the environment stacks in parity.json; the check needs only the output folder', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    new TinyEnvironment(app, 'staging', { extra: true });
    new TinyEnvironment(app, 'prod');
    new TerraformStack(app, 'other');
    app.synth();
    const entry = (name: string) => ({
      name,
      directory: `stacks/${name}`,
      config: `stacks/${name}/cdk.tf.json`,
      backendLocation: LOCAL_STATE,
      variablesFile: VARIABLES_FILE,
    });
    expect(JSON.parse(readFileSync(join(app.outdir, 'parity.json'), 'utf8'))).toEqual({
      version: 1,
      stacks: [entry('dev'), entry('staging'), entry('prod')],
    });
    expect(EnvironmentParity.checkSynthesized(app.outdir)).toEqual({
      stacks: ['dev', 'staging', 'prod'],
      differences: [
        {
          stacks: ['dev', 'staging'],
          path: 'resource.docker_network.Debug',
          expected: undefined,
          actual: { internal: true, name: 'debug-net' },
          expectation: 'reference',
        },
      ],
    });
    expect(EnvironmentParity.checkSynthesized(app.outdir, { stacks: ['dev', 'prod'] })).toEqual({
      stacks: ['dev', 'prod'],
      differences: [],
    });
  });

  test('only the stacks of the last synthesis into a folder count', () => {
    const first = Testing.app();
    new TinyEnvironment(first, 'dev');
    new TinyEnvironment(first, 'prod');
    first.synth();
    const again = new App({ outdir: first.outdir });
    new TerraformStack(again, 'other');
    again.synth();
    expect(EnvironmentParity.checkSynthesized(first.outdir)).toEqual({
      stacks: [],
      differences: [],
    });
  });

  test('check compares only the environment stacks under its scope', () => {
    const app = Testing.app();
    const group = new Construct(app, 'Group');
    new TinyEnvironment(app, 'outside', { extra: true });
    new TinyEnvironment(group, 'dev');
    new TinyEnvironment(group, 'prod');
    expect(EnvironmentParity.check(group)).toEqual({ stacks: ['dev', 'prod'], differences: [] });
  });

  test('the matcher needs at least two environment stacks', () => {
    const app = Testing.app();
    new TinyEnvironment(app, 'dev');
    const result = parityMatchers.toHaveEnvironmentParity(app);
    expect({ pass: result.pass, message: result.message() }).toEqual({
      pass: false,
      message: 'expected at least two environment stacks to compare, found 1',
    });
  });

  test('an output folder with no environment stacks compares none', () => {
    const app = Testing.app();
    new TerraformStack(app, 'other');
    app.synth();
    expect(EnvironmentParity.checkSynthesized(app.outdir)).toEqual({
      stacks: [],
      differences: [],
    });
  });
});
