import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TerraformOutput, Testing } from 'cdktf';

import { VARIABLES_FILE, VariablesFile } from '../../../lib';
import { synthJson, testStack } from '../../helpers/test-app';

describe('VariablesFile', () => {
  function stackWithVariables() {
    const stack = testStack();
    const vars = new VariablesFile(stack, 'Vars');
    new TerraformOutput(stack, 'out', {
      value: [
        vars.string('name', 'qa', 'The name.'),
        vars.number('port', 8080, 'The port.'),
        vars.bool('strict', true, 'Strict?'),
        vars.stringList('list', ['a'], 'A list.'),
        vars.stringMap('map', { A: '1' }, 'A map.'),
      ],
    });
    return { stack, vars };
  }

  test('declares typed, non-nullable variables without defaults', () => {
    expect(synthJson(stackWithVariables().stack).variable).toEqual({
      name: { type: 'string', description: 'The name.', nullable: false },
      port: { type: 'number', description: 'The port.', nullable: false },
      strict: { type: 'bool', description: 'Strict?', nullable: false },
      list: { type: 'list(string)', description: 'A list.', nullable: false },
      map: { type: 'map(string)', description: 'A map.', nullable: false },
    });
  });

  test('writes the values beside cdk.tf.json as terraform.tfvars.json', () => {
    const { stack, vars } = stackWithVariables();
    const outdir = Testing.fullSynth(stack);
    const written = JSON.parse(
      readFileSync(join(outdir, 'stacks', 'test', VARIABLES_FILE), 'utf8'),
    );
    expect(written).toEqual({ name: 'qa', port: 8080, strict: true, list: ['a'], map: { A: '1' } });
    expect(vars.recorded).toEqual(written);
  });
});
