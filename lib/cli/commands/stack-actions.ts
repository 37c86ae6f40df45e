import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { DEPLOYED_ENV_FILE, PIPELINE_DEFAULTS } from '../../private/defaults';
import { CliError } from '../cli-error';
import { Output } from '../output';
import { runLogged } from '../process';
import { Project } from '../project';
import { digestOf, publishRunDigest, requireRunDigest, takeDigestOption } from '../run-digest';

/**
 * `cdktf deploy|destroy STACK` with the flags an unattended run needs, its output in
 * `.pipeline/logs/<action>-<stack>.log`, a line every 30 s while it runs; on failure the log's
 * last lines and an error naming the log. Resolves with the log's text.
 */
export async function cdktf(
  project: Project,
  out: Output,
  action: 'deploy' | 'destroy',
  stack: string,
): Promise<string> {
  const logFile = project.logFile(`${action}-${stack}`);
  const args = [action, stack, '--auto-approve', '--skip-provider-lock'];
  if (action === 'deploy') {
    mkdirSync(dirname(project.outputsFile(stack)), { recursive: true });
    args.push('--outputs-file', project.outputsFile(stack));
  }
  const { code } = await runLogged('cdktf', args, {
    cwd: project.root,
    env: project.env([stack]),
    logFile,
    heartbeat: (seconds) => out.log(`… still running ${action} ${stack} (${seconds}s)`),
  });
  const log = readFileSync(logFile, 'utf8');
  if (code !== 0) {
    out.raw(
      log
        .split('\n')
        .filter((l) => l.trim() !== '' && !/Stacks? (deploying|destroying|waiting|done)/.test(l))
        .slice(-25),
    );
    throw new CliError(
      `${action} ${stack} failed; the full log is ${project.show(logFile)}`,
      'Read the error above.',
    );
  }
  return log;
}

/**
 * `deploy [STACK...] [--digest DIGEST]`: deploys stacks one after the other and says where each
 * answers. With `--digest` (a pipeline run's own digest), each stack is deployed only while its
 * upstream still has that digest verified.
 */
export async function deploy(project: Project, given: readonly string[]): Promise<number> {
  const out = new Output('deploy');
  const { digest: runDigest, rest: args } = takeDigestOption(given);
  if (runDigest !== undefined && args.length === 0) {
    throw new CliError(
      '--digest needs the stacks to deploy, e.g. cdktf-pipeline deploy prod --digest sha256:….',
      'Name the stacks.',
    );
  }
  await project.synth(args, async ({ delivery }) => {
    // By default: every stage that needs no approval, up to the first that does.
    const gated = delivery.stages.findIndex((s) => s.approvalRecord !== undefined);
    const stacks =
      args.length > 0
        ? args
        : delivery.stages
            .slice(0, gated < 0 ? undefined : gated)
            .filter((s) => !s.review)
            .map((s) => s.name);
    const stages = stacks.map((name) => Project.stage(delivery, name, 'deploy'));
    for (const stage of stages) {
      if (runDigest !== undefined) {
        const upstream = stage.upstream && Project.stage(delivery, stage.upstream, 'deploy');
        if (!upstream) {
          throw new CliError(
            `--digest applies to stages that promote an upstream's digest; '${stage.name}' builds it.`,
            `Deploy ${stage.name} without --digest.`,
          );
        }
        requireRunDigest(project, upstream, runDigest, stage.name);
      }
      const started = Date.now();
      out.log(`deploying ${stage.name}`);
      const log = await cdktf(project, out, 'deploy', stage.name);
      const outputs = Project.outputs(stage.statePath);
      const url = outputs?.urls.values().next().value ?? '';
      const image = outputs?.verifiedImage ?? '';
      const noChanges = /No changes\./.test(log) ? ', no changes' : '';
      out.log(
        `deployed ${stage.name} in ${Math.round((Date.now() - started) / 1000)}s${noChanges}` +
          `${url ? `: ${url}` : ''}${image ? ` (verified ${image})` : ''}`,
      );
      // For CI systems: a GitLab dotenv report, GitHub step outputs.
      // The image stage's digest is the pipeline run's, for the jobs after it.
      const built = stage.kind === 'image' && image ? digestOf(image) : undefined;
      const dotenv = join(project.root, DEPLOYED_ENV_FILE);
      mkdirSync(dirname(dotenv), { recursive: true });
      writeFileSync(
        dotenv,
        `ENVIRONMENT_URL=${url}\nVERIFIED_IMAGE=${image}\n` +
          (built ? `${PIPELINE_DEFAULTS.digestVariable}=${built}\n` : ''),
      );
      if (process.env.GITHUB_OUTPUT) {
        appendFileSync(process.env.GITHUB_OUTPUT, `url=${url}\nimage=${image}\n`);
      }
      if (built) publishRunDigest(built);
    }
  });
  return 0;
}

/** Removes what the CLI kept for a destroyed stack: outputs, and what playbooks configured. */
export function forget(project: Project, stack: string): void {
  rmSync(project.outputsFile(stack), { force: true });
  rmSync(join(project.work, 'hosts', stack), { recursive: true, force: true });
  rmSync(join(project.work, 'ansible', stack), { recursive: true, force: true });
}

/** `destroy STACK...`: destroys stacks, e.g. a review environment. */
export async function destroy(project: Project, args: readonly string[]): Promise<number> {
  const out = new Output('destroy');
  if (args.length === 0) {
    throw new CliError(
      'name the stacks to destroy, e.g. cdktf-pipeline destroy review-42.',
      'To remove everything this project deployed, use cdktf-pipeline teardown.',
    );
  }
  await project.synth(args, async ({ delivery }) => {
    for (const name of args) {
      Project.stage(delivery, name, 'destroy');
      out.log(`destroying ${name}`);
      await cdktf(project, out, 'destroy', name);
      forget(project, name);
      out.log(`destroyed ${name}`);
    }
  });
  return 0;
}

/** `teardown`: destroys every deployed stack, downstream stages first, the image stage last. */
export async function teardown(project: Project, args: readonly string[]): Promise<number> {
  const out = new Output('teardown');
  if (args.length > 0) {
    throw new CliError(
      `teardown takes no arguments, got '${args.join(' ')}'.`,
      'Run cdktf-pipeline teardown.',
    );
  }
  // Review environments exist in the app only when named: the deployed ones are found first.
  await project.synthWithDeployed(async ({ delivery }, deployed) => {
    if (deployed.length === 0) {
      out.log('nothing is deployed');
      return;
    }
    const order = delivery.stages
      .map((s) => s.name)
      .filter((n) => deployed.includes(n))
      .reverse();
    for (const name of order) {
      out.log(`destroying ${name}`);
      await cdktf(project, out, 'destroy', name);
      forget(project, name);
    }
    out.log(`destroyed ${order.join(', ')}`);
  });
  return 0;
}
