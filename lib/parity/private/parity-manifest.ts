import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { ISynthesisSession, TerraformStack } from 'cdktf';

import { PARITY_MANIFEST } from '../../private/defaults';

/** One environment stack, as the parity check finds it in an output folder. */
export interface ParityManifestStack {
  /** Stack name. */
  readonly name: string;
  /** Its folder, relative to the output folder (`stacks/<name>`). */
  readonly directory: string;
  /** Its synthesized configuration, relative to the output folder (`stacks/<name>/cdk.tf.json`). */
  readonly config: string;
  /** The backend attribute that holds its state location, and the pattern that location follows. */
  readonly backendLocation?: { readonly attribute: string; readonly pattern: string };
  /** Its variables file, relative to its folder (`terraform.tfvars.json`). */
  readonly variablesFile?: string;
}

/**
 * `parity.json`, beside cdktf's `manifest.json`: the environment stacks of one synthesis, in the
 * order they were synthesized (the first is the reference), with what the check needs to know of
 * each that their files do not say.
 */
export interface ParityManifest {
  readonly version: 1;
  readonly stacks: readonly ParityManifestStack[];
}

/** The entries recorded so far in each synthesis (one `App.synth()`), and how many to expect. */
const sessions = new WeakMap<
  ISynthesisSession,
  { readonly stacks: ParityManifestStack[]; readonly expected: number }
>();

/**
 * Adds `stack` to the parity manifest of `session`'s output folder; `expected` counts the stacks
 * the manifest will list (read once per session). The manifest is written once they all are, so
 * that none of an earlier synthesis into the same folder remains and an app of hundreds of
 * environments writes it once.
 */
export function recordParityStack(
  session: ISynthesisSession,
  stack: TerraformStack,
  entry: Pick<ParityManifestStack, 'backendLocation' | 'variablesFile'>,
  expected: () => number,
): void {
  const recorded = sessions.get(session) ?? { stacks: [], expected: expected() };
  sessions.set(session, recorded);
  const synthesized = session.manifest.forStack(stack);
  recorded.stacks.push({
    name: stack.node.id,
    directory: synthesized.workingDirectory,
    config: synthesized.synthesizedStackPath,
    ...entry,
  });
  if (recorded.stacks.length < recorded.expected) return;
  const manifest: ParityManifest = { version: 1, stacks: recorded.stacks };
  mkdirSync(session.outdir, { recursive: true });
  writeFileSync(join(session.outdir, PARITY_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Reads the parity manifest of an output folder; undefined when it has none. */
export function readParityManifest(outdir: string): ParityManifest | undefined {
  const file = join(outdir, PARITY_MANIFEST);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as ParityManifest;
}
