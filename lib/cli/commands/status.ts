import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { dirname, join } from 'node:path';

import { approvalLine } from '../../private/approval-record';
import { STATUS_MARKDOWN_FILE } from '../../private/defaults';
import { DeliveryManifest, imageNames, StageManifest } from '../../private/delivery-manifest';
import { Release, releaseId, sameRelease } from '../../private/release';
import { History } from '../history';
import { Output } from '../output';
import { Project, StackOutputs } from '../project';
import { loadStatePassphrase } from '../secrets';
import { probe } from '../smoke-probe';
import { requireEncryption } from '../state-engine';
import {
  EnvironmentStatus,
  releaseStatus,
  statusMarkdown,
  StatusView,
  statusTable,
  verifiedSince,
} from '../status-view';

import { refreshPlan } from './drift';

/** What `status` was asked for. */
export interface StatusOptions {
  /** A table, JSON, or Markdown for CI job summaries. */
  readonly format: 'table' | 'json' | 'markdown';
  /** Run the smoke tests against every deployed environment now. */
  readonly probe: boolean;
  /** Compare each environment with its last deploy. */
  readonly drift: boolean;
}

/**
 * `status [--json | --markdown] [--probe] [--drift]`: what runs where, since when, whether it is
 * verified, and what waits upstream; one row per environment in promotion order. It reads the
 * states and the history, and deploys nothing. `--probe` runs the smoke tests against every
 * deployed environment now; `--drift` compares each with its last deploy. `--markdown` also writes
 * `.pipeline/status.md`, and appends to the GitHub job summary when `GITHUB_STEP_SUMMARY` is set.
 */
export async function status(project: Project, options: StatusOptions): Promise<number> {
  const out = new Output('status');
  return project.synthWithDeployed(async ({ delivery, outdir }, deployed) => {
    if (delivery.stateEncrypted) requireEncryption(loadStatePassphrase(project.root));
    const view = await statusOf(project, out, delivery, deployed, options, outdir);
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    } else if (options.format === 'markdown') {
      const markdown = statusMarkdown(view);
      const file = join(project.root, STATUS_MARKDOWN_FILE);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, markdown);
      if (process.env.GITHUB_STEP_SUMMARY)
        appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
      process.stdout.write(markdown);
    } else {
      process.stdout.write(`${statusTable(view).join('\n')}\n`);
    }
    return 0;
  });
}

/** The status of every environment: states, history, and what --probe and --drift ask for. */
export async function statusOf(
  project: Project,
  out: Output,
  delivery: DeliveryManifest,
  deployed: readonly string[],
  options: Partial<Pick<StatusOptions, 'probe' | 'drift'>>,
  outdir: string,
): Promise<StatusView> {
  // Each state is read once (an encrypted one costs an engine run).
  const read = new Map<string, StackOutputs | undefined>();
  const outputsOf = (stage: StageManifest) => {
    if (!read.has(stage.name)) read.set(stage.name, Project.outputs(stage.state));
    return read.get(stage.name);
  };
  const deployments = History.of(delivery.state).deployments();
  const image = delivery.stages.find((s) => s.name === delivery.imageStage);
  const shown = delivery.stages.filter(
    (s) => s.kind === 'environment' && (!s.review || deployed.includes(s.name)),
  );
  const agent = new Agent({ keepAlive: true });
  try {
    const environments = await Promise.all(
      shown.map(async (stage): Promise<EnvironmentStatus> => {
        const outputs = outputsOf(stage);
        const upstream = stage.upstream
          ? delivery.stages.find((s) => s.name === stage.upstream)
          : undefined;
        const offered = upstream ? outputsOf(upstream)?.verifiedRelease : undefined;
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
            ? {
                waitingApproved:
                  approvalLine(stage.approvalRecord, imageNames(delivery), waiting) !== undefined,
              }
            : {}),
          ...optional('lastDeploy', last?.outcome),
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
      imageStage: delivery.imageStage,
      ...releaseOfImageStage(image ? outputsOf(image)?.verifiedRelease : undefined),
      environments,
    };
  } finally {
    agent.destroy();
  }
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
