import { enginePlan } from './private/engine-plan';
import { prepareEncryption } from './private/engine-run';
import { UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What {@link plan} is asked for. */
export interface PlanOptions {
  /** The stacks to plan, in order. */
  readonly stacks: readonly string[];
}

/** What a deploy of one stack would change. */
export interface StackPlan {
  readonly stack: string;
  /** Resources it would create. */
  readonly add: number;
  /** Resources it would change in place. */
  readonly change: number;
  /** Resources it would destroy (a replacement counts as one destroyed and one added). */
  readonly destroy: number;
  /** The addresses of every resource it would touch, with what it would do. */
  readonly resources: readonly { readonly address: string; readonly actions: readonly string[] }[];
}

/** What {@link plan} found. */
export interface PlanResult {
  readonly stacks: readonly StackPlan[];
  /** Whether a deploy of any stack would change something. */
  readonly changes: boolean;
}

/**
 * The engine's plan of each stack: what a deploy would add, change and destroy, with the
 * values the deploy would use (secrets included), changing nothing. An environment's plan uses
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
      const resources = (json.resource_changes ?? [])
        .filter((r) => r.change.actions.some((a) => a !== 'no-op' && a !== 'read'))
        .map((r) => ({ address: r.address, actions: r.change.actions }));
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
      plans.push(stackPlan);
    }
    return { stacks: plans, changes: plans.some((p) => p.resources.length > 0) };
  });
}
