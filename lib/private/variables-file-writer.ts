import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { TerraformStack } from 'cdktf';

import { afterSynthesis } from './synthesis-hook';

/**
 * Writes a stack's variable values as `file` at synthesis, next to its `cdk.tf.json`. `values` is
 * read then.
 */
export function writeVariablesFile(
  stack: TerraformStack,
  file: string,
  values: () => { readonly [name: string]: unknown },
): void {
  afterSynthesis(stack, (session) => {
    const dir = join(session.outdir, session.manifest.forStack(stack).workingDirectory);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, file), `${JSON.stringify(values(), null, 2)}\n`);
  });
}
