import { DriftedResource, refreshPlan } from './private/engine-plan';
import { OperationError, UsageError } from './private/operation-error';
import { Project, Synthesized } from './private/project';

/** What `drift` was asked for. */
export interface DriftOptions {
  /**
   * The environments to compare.
   * @default - every deployed one
   */
  readonly environments?: readonly string[];
}

/** One environment compared with its last deploy. */
export interface EnvironmentDrift {
  /** The environment's name. */
  readonly environment: string;
  /** What differs; none: in sync. */
  readonly resources: readonly DriftedResource[];
}

/** What `Operations.drift` found. */
export interface DriftResult {
  /** Every environment compared, in promotion order. */
  readonly environments: readonly EnvironmentDrift[];
  /** Whether any environment drifted. */
  readonly drifted: boolean;
}

/**
 * Compares what runs with what the last deploy of each environment recorded (a refresh-only plan:
 * nothing is changed, not even the state), and names every resource and attribute that differs.
 * Default: every deployed environment.
 */
export async function drift(project: Project, options: DriftOptions): Promise<DriftResult> {
  const out = project.progress('drift');
  const args = options.environments ?? [];
  const compare = async (
    { delivery, outdir }: Synthesized,
    deployed: readonly string[],
  ): Promise<DriftResult> => {
    const names =
      args.length > 0
        ? [...args]
        : delivery.stages
            .filter((s) => s.kind === 'environment' && deployed.includes(s.name))
            .map((s) => s.name);
    const stages = names.map((name) => Project.stage(delivery, name, 'drift'));
    for (const stage of stages) {
      if (stage.kind !== 'environment') {
        throw new UsageError(
          `'${stage.name}' is the image stage: it runs nothing that can drift.`,
          `Name environments, e.g. cdktf-pipeline drift ${delivery.stages.find((s) => s.kind === 'environment')?.name ?? 'dev'}.`,
        );
      }
      if (!deployed.includes(stage.name)) {
        throw new OperationError(
          `${stage.name} is not deployed: there is nothing to compare.`,
          `Deploy it first: cdktf-pipeline deploy ${stage.name}.`,
        );
      }
    }
    if (stages.length === 0) {
      out.log('no environment is deployed');
      return { environments: [], drifted: false };
    }
    let drifted = 0;
    // Each environment has its own state and stack folder: compare them all at once.
    const plans = await Promise.all(
      stages.map((stage) => refreshPlan(project, out, delivery, stage, outdir)),
    );
    for (const [i, stage] of stages.entries()) {
      const resources = plans[i];
      if (resources.length === 0) {
        out.log(`${stage.name}: in sync with its last deploy`);
        continue;
      }
      drifted += 1;
      out.log(
        `${stage.name}: drifted, ${resources.length} resource${resources.length === 1 ? '' : 's'} differ${resources.length === 1 ? 's' : ''} from the last deploy:`,
      );
      for (const r of resources) {
        const what =
          r.kind === 'removed'
            ? 'removed outside a deploy'
            : `${r.kind} outside a deploy: ${r.attributes.join(', ')}`;
        out.log(`  ${r.address}${r.name ? ` (${r.name})` : ''}: ${what}`);
      }
    }
    if (drifted > 0) {
      out.error(
        `${drifted} of ${stages.length} environment${stages.length === 1 ? '' : 's'} drifted. Heal with a redeploy: cdktf-pipeline deploy ${stages
          .map((s) => s.name)
          .join(' ')} (it puts back what the last deploy recorded).`,
      );
    }
    const environments = stages.map((s, i) => ({ environment: s.name, resources: plans[i] }));
    return { environments, drifted: drifted > 0 };
  };
  // Named stacks are synthesized by name (review environments too); by default, what is deployed.
  return args.length > 0
    ? project.synth(args, async (s) => compare(s, await project.deployedStacks(s.delivery)))
    : project.synthWithDeployed(compare);
}
