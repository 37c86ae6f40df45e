import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { TerraformStack, Testing } from 'cdktf';

import { EnvironmentParity, VARIABLES_FILE } from '../../../lib';
import { afterSynthesis } from '../../../lib/private/synthesis-hook';
import { problemsOf } from '../../helpers/test-app';

describe('EnvironmentParity errors', () => {
  test('include refuses a location rule without the stack name, and a variables file in another folder', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    expect(
      problemsOf(() =>
        EnvironmentParity.include(stack, {
          backendLocation: { attribute: ' ', pattern: '/srv/state/shared.tfstate' },
          variablesFile: '../terraform.tfvars.json',
        }),
      ),
    ).toEqual([
      "environment stack 'dev': 'backendLocation.attribute' must name the backend setting that holds the state location, got ' '. Name it, e.g. 'path' for the local backend.",
      "environment stack 'dev': 'backendLocation.pattern' must contain '{stack}', where the stack's name goes, got '/srv/state/shared.tfstate'. Give every environment its own state, e.g. '/srv/state/{stack}.tfstate'.",
      "environment stack 'dev': 'variablesFile' must be a file name, the file being beside the stack's cdk.tf.json, got '../terraform.tfvars.json'. Name the file alone, e.g. 'terraform.tfvars.json'.",
    ]);
  });

  test('compare refuses a declared type that is no type constraint, and a variables file that is no object', () => {
    const config = (type: string) => ({ variable: { replicas: { type } } });
    expect(
      problemsOf(() =>
        EnvironmentParity.compare([
          {
            name: 'dev',
            config: config('nmber'),
            variablesFile: { name: VARIABLES_FILE, values: { replicas: 1 } },
          },
          {
            name: 'prod',
            config: config('number'),
            variablesFile: { name: VARIABLES_FILE, values: [1] },
          },
        ]),
      ),
    ).toEqual([
      "environment stack 'dev': 'variable.replicas.type' must be a Terraform type constraint (string, number, bool, any, list(T), set(T), map(T), object({...}), tuple([...])); 'nmber' is not a type at character 1, got 'nmber'. Fix the variable's type where the stack declares it.",
      `environment stack 'prod': 'terraform.tfvars.json' must be a JSON object of variable values, got [1]. Write the values as { "name": value, ... }.`,
    ]);
  });

  test('checkSynthesized needs the output folder of a synthesized app', () => {
    const folder = mkdtempSync(join(tmpdir(), 'parity-empty-'));
    expect(problemsOf(() => EnvironmentParity.checkSynthesized(folder))).toEqual([
      `parity: 'outdir' must be the output folder of a synthesized app (with cdktf's manifest.json), got '${folder}'. Synthesize the app first (cdktf synth), and name the folder it wrote (cdktf.out by default).`,
    ]);
  });

  test('checkSynthesized refuses a file that something broke after synthesis', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'dev');
    EnvironmentParity.include(stack);
    afterSynthesis(stack, (session) =>
      writeFileSync(join(session.outdir, 'stacks', 'dev', 'cdk.tf.json'), 'not json'),
    );
    app.synth();
    expect(problemsOf(() => EnvironmentParity.checkSynthesized(app.outdir))).toEqual([
      `environment stack 'dev': '${join(app.outdir, 'stacks', 'dev', 'cdk.tf.json')}' must be JSON, got 'not json'. Synthesize the app again, and fix whatever writes the file after synthesis.`,
    ]);
  });
});
