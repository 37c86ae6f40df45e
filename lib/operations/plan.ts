import { EnginePlanJson, PlannedChange, normalisedChanges } from '../private/planned-changes';

import { enginePlan } from './private/engine-plan';
import { prepareEncryption } from './private/engine-run';
import { UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What `Operations.plan` is asked for. */
export interface PlanOptions {
  /** The stacks to plan, in order. */
  readonly stacks: readonly string[];
}

/** One resource a deploy would touch, in the testing kit's normalised form. */
export interface PlannedResource extends PlannedChange {
  /** For a replacement: the attributes whose change forces it, e.g. `env`. */
  readonly replacedFor?: readonly string[];
  /** For a change in place: the attributes that change (names only: some values are secrets). */
  readonly changing?: readonly string[];
}

/** What a deploy of one stack would change. */
export interface StackPlan {
  /** The stack's name. */
  readonly stack: string;
  /** Resources it would create. */
  readonly add: number;
  /** Resources it would change in place. */
  readonly change: number;
  /** Resources it would destroy (a replacement counts as one destroyed and one added). */
  readonly destroy: number;
  /**
   * Every resource it would touch, by address: what it would do, and the values the
   * configuration gives it after (secrets hidden, paths as `<root>` and `<synth>`).
   */
  readonly resources: readonly PlannedResource[];
}

/** What `Operations.plan` found. */
export interface PlanResult {
  /** Each stack, in the order asked. */
  readonly stacks: readonly StackPlan[];
  /** Whether a deploy of any stack would change something. */
  readonly changes: boolean;
}

/**
 * The engine's plan of each stack: what a deploy would add, change and destroy, changing
 * nothing. The engine plans with the values a deploy would use (secrets included); the result
 * hides what the configuration declares sensitive. An environment's plan uses
 * the release its state holds; the promotion of a new release shows once its upstream verified it.
 */
export async function plan(project: Project, options: PlanOptions): Promise<PlanResult> {
  const out = project.progress('plan');
  const { stacks } = options;
  if (stacks.length === 0) {
    throw new UsageError(
      'plan needs the stacks to plan, e.g. cdktf-pipeline plan dev.',
      'Name the stacks.',
    );
  }
  return project.synth(stacks, async ({ delivery, outdir }) => {
    // Every name is checked before the engine runs.
    const stages = stacks.map((name) => Project.stage(delivery, name, 'plan'));
    await prepareEncryption(project, out, delivery);
    const plans: StackPlan[] = [];
    for (const stage of stages) {
      out.log(`planning ${stage.name}`);
      const json = await enginePlan(project, out, delivery, stage, outdir, false);
      const resources = plannedResources(json, [
        [outdir, '<synth>'],
        [project.root, '<root>'],
      ]);
      const count = (action: string) => resources.filter((r) => r.actions.includes(action)).length;
      const stackPlan = {
        stack: stage.name,
        add: count('create'),
        change: count('update'),
        destroy: count('delete'),
        resources,
      };
      out.log(
        resources.length === 0
          ? `${stage.name}: no changes`
          : `${stage.name}: ${stackPlan.add} to add, ${stackPlan.change} to change, ${stackPlan.destroy} to destroy`,
      );
      for (const resource of resources) out.log(`  ${describeChange(resource)}`);
      plans.push(stackPlan);
    }
    return { stacks: plans, changes: plans.some((p) => p.resources.length > 0) };
  });
}

/** The changes of an engine plan, without those that change nothing, each with why. */
function plannedResources(
  json: EnginePlanJson,
  paths: readonly (readonly [string, string])[],
): PlannedResource[] {
  const raw = new Map((json.resource_changes ?? []).map((r) => [r.address, r.change]));
  return normalisedChanges(json, { attributes: 'configured', paths })
    .filter((c) => c.actions.some((a) => a !== 'no-op' && a !== 'read'))
    .map((c) => {
      const change = raw.get(c.address);
      if (c.actions.includes('delete') && c.actions.includes('create')) {
        const forced = (change?.replace_paths ?? []).map((path) => String(path[0]));
        return { ...c, replacedFor: [...new Set(forced)].sort() };
      }
      if (c.actions.includes('update')) {
        const before = asRecord(change?.before);
        const after = asRecord(change?.after);
        const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
          (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
        );
        return { ...c, changing: names.sort() };
      }
      return c;
    });
}

function asRecord(value: unknown): Record<string, unknown> {
  return (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
}

/** `-/+ docker_container.web[0] (replaced for env)`, as the engine marks its plan's lines. */
function describeChange(resource: PlannedResource): string {
  const { actions, address } = resource;
  const symbol =
    actions.join(',') === 'delete,create'
      ? '-/+'
      : actions.join(',') === 'create,delete'
        ? '+/-'
        : actions.includes('create')
          ? '+'
          : actions.includes('delete')
            ? '-'
            : '~';
  const why = resource.replacedFor?.length
    ? ` (replaced for ${resource.replacedFor.join(', ')})`
    : resource.changing?.length
      ? ` (${resource.changing.join(', ')})`
      : '';
  return `${symbol} ${address}${why}`;
}
