import { ISynthesisSession, TerraformStack } from 'cdktf';

import { ServiceDefinition } from '../../constructs/service-definition';
import { afterSynthesis } from '../../private/synthesis-hook';
import { Settings } from '../setting';
import { StateStore } from '../state-store';

/** What an instance of an environment stack takes from the stack it shares a definition with. */
export interface EnvironmentDefinition {
  readonly services: readonly ServiceDefinition[];
  readonly projectRoot: string;
  readonly state: StateStore;
  readonly namePrefix: string;
  readonly settings: Settings;
}

type Configuration = { [key: string]: unknown };

const definitions = new WeakMap<TerraformStack, EnvironmentDefinition>();
/** Each definition stack's configuration as it last produced it. */
const produced = new WeakMap<TerraformStack, Configuration>();
/** The configuration each definition stack wrote in a synthesis (one `App.synth()`). */
const written = new WeakMap<ISynthesisSession, WeakMap<TerraformStack, Configuration>>();

/** Marks `stack` as an environment stack built from the definition, which instances can share. */
export function registerDefinition(stack: TerraformStack, definition: EnvironmentDefinition): void {
  definitions.set(stack, definition);
  afterSynthesis(stack, (session) => {
    const config = produced.get(stack);
    if (config === undefined) return;
    const bySession = written.get(session) ?? new WeakMap<TerraformStack, Configuration>();
    written.set(session, bySession);
    bySession.set(stack, config);
  });
}

/** The definition behind an environment stack; undefined for any other stack. */
export function definitionOf(stack: TerraformStack): EnvironmentDefinition | undefined {
  return definitions.get(stack);
}

/** Notes the configuration a definition stack produced (its `toTerraform()`). */
export function noteProduced(stack: TerraformStack, config: Configuration): void {
  produced.set(stack, config);
}

/**
 * The configuration of a definition stack: the one it wrote in this synthesis when it has been
 * synthesized in it already (stacks synthesize in tree order, and a definition comes before its
 * instances), otherwise produced now.
 */
export function configurationOf(
  stack: TerraformStack,
  session: ISynthesisSession | undefined,
): Configuration {
  const known = session === undefined ? undefined : written.get(session)?.get(stack);
  return known ?? (stack.toTerraform() as Configuration);
}
