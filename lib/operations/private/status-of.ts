import { Agent } from 'node:http';

import { approvalLine } from '../../private/approval-record';
import { engineBinary } from '../../private/engine';
import { Release, releaseId, sameRelease } from '../../private/release';
import { DeliveryManifest, imageNames, StageManifest } from '../../schema/delivery-manifest';

import { refreshPlan } from './engine-plan';
import { History } from './history-store';
import { Progress } from './progress';
import { Project, StackOutputs } from './project';
import { probe } from './smoke-probe';
import { EnvironmentStatus, releaseStatus, StatusView, verifiedSince } from './status-view';

/** The status of every environment: states, history, and what --probe and --drift ask for. */
export async function statusOf(
  project: Project,
  out: Progress,
  delivery: DeliveryManifest,
  deployed: readonly string[],
  options: { readonly probe?: boolean; readonly drift?: boolean; readonly history?: boolean },
  outdir: string,
): Promise<StatusView> {
  // Each state is read once (an encrypted one costs an engine run).
  const read = new Map<string, Promise<StackOutputs | undefined>>();
  const outputsOf = (stage: StageManifest): Promise<StackOutputs | undefined> => {
    let outputs = read.get(stage.name);
    if (!outputs) {
      outputs = project.outputs(stage.state);
      read.set(stage.name, outputs);
    }
    return outputs;
  };
  const deployments = await History.of(delivery.state, project.database).deployments();
  const image = delivery.stages.find((s) => s.name === delivery.imageStage);
  const shown = delivery.stages.filter(
    (s) => s.kind === 'environment' && (!s.review || deployed.includes(s.name)),
  );
  const agent = new Agent({ keepAlive: true });
  try {
    const environments = await Promise.all(
      shown.map(async (stage): Promise<EnvironmentStatus> => {
        const outputs = await outputsOf(stage);
        const upstream = stage.upstream
          ? delivery.stages.find((s) => s.name === stage.upstream)
          : undefined;
        const offered = upstream ? (await outputsOf(upstream))?.verifiedRelease : undefined;
        const waiting =
          offered && !sameRelease(offered, outputs?.verifiedRelease) ? offered : undefined;
        const isDeployed = outputs?.deployed ?? false;
        const last = deployments.filter((d) => d.environment === stage.name).at(-1);
        const status: EnvironmentStatus = {
          environment: stage.name,
          deployed: isDeployed,
          ...releaseStatus(
            isDeployed ? outputs?.runningRelease : undefined,
            outputs?.verifiedRelease,
            waiting,
          ),
          verified: isDeployed && sameRelease(outputs?.verifiedRelease, outputs?.runningRelease),
          ...optional('since', verifiedSince(deployments, stage.name, outputs?.verifiedRelease)),
          ...optional('upstream', stage.upstream),
          ...(waiting && stage.approvalRecord
            ? approvalOf(approvalLine(stage.approvalRecord, imageNames(delivery), waiting))
            : {}),
          ...(stage.approvalRecord ? { approvalRequired: true } : {}),
          ...optional('lastDeploy', last?.outcome),
          ...optional('lastDeployDetail', last?.detail),
          ...optional('url', isDeployed ? outputs?.urls.values().next().value : undefined),
        };
        if (!isDeployed || !outputs) return status;
        const probed = options.probe ? await smokeTests(agent, delivery, outputs) : undefined;
        const drifted = options.drift
          ? await refreshPlan(project, out, delivery, stage, outdir)
          : undefined;
        return {
          ...status,
          ...optional('smokeTests', probed),
          ...optional(
            'drift',
            drifted &&
              (drifted.length === 0
                ? 'in sync'
                : `drifted: ${drifted.map((r) => r.name ?? r.address).join(', ')}`),
          ),
        };
      }),
    );
    return {
      engine: engineBinary(),
      imageStage: delivery.imageStage,
      ...releaseOfImageStage(image ? (await outputsOf(image))?.verifiedRelease : undefined),
      environments,
      ...(options.history
        ? {
            history: deployments
              .filter((d) => shown.some((s) => s.name === d.environment))
              .reverse(),
          }
        : {}),
    };
  } finally {
    agent.destroy();
  }
}

/** Whether the waiting release is approved, and the record's line that approves it. */
function approvalOf(
  line: { readonly line: string } | undefined,
): Pick<EnvironmentStatus, 'waitingApproved' | 'waitingApproval'> {
  return line ? { waitingApproved: true, waitingApproval: line.line } : { waitingApproved: false };
}

/** The delivery's smoke tests against an environment now: `pass`, or the first failure. */
async function smokeTests(
  agent: Agent,
  delivery: DeliveryManifest,
  outputs: StackOutputs,
): Promise<string> {
  for (const test of delivery.smokeTests) {
    const base = outputs.urls.get(test.service);
    if (base === undefined) return `fail: ${test.service} publishes no URL`;
    const result = await probe(agent, test, base);
    if (result.failure) return `fail: ${result.failure}`;
  }
  return 'pass';
}

/** The image stage's release and its id, when it verified one. */
function releaseOfImageStage(
  release: Release | undefined,
): Pick<StatusView, 'release' | 'releaseId'> {
  return release ? { release, releaseId: releaseId(release) } : {};
}

/** `{ [key]: value }` when value is defined, else `{}`. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}
