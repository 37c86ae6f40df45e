import { rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { join } from 'node:path';

import { DEFAULTS } from '../private/defaults';
import { engineBinary } from '../private/engine';
import { runCollected, scratchFolder } from '../private/process';
import { DeliveryManifest } from '../schema/delivery-manifest';

import { dockerHost, dockerVersion } from './private/known-failures';
import { OperationError } from './private/operation-error';
import { Project } from './private/project';
import { loadStatePassphrase } from './private/secrets';
import { get } from './private/smoke-probe';
import { engineVersion, PASSPHRASE_ENV, requireEncryption } from './private/state-engine';

/** One thing a deploy needs, and whether this machine has it. */
export interface DoctorCheck {
  /** What was checked: `docker`, `engine`, `provider`, `registry`, `state`, `passphrase`. */
  readonly check: string;
  /** Whether this machine has it. */
  readonly ok: boolean;
  /** What was found, e.g. `OpenTofu v1.12.6 (tofu)`. */
  readonly found: string;
  /** What to do, for a check that failed. */
  readonly fix?: string;
}

/** What `Operations.doctor` found. */
export interface DoctorResult {
  /** Each check, in the order they ran. */
  readonly checks: readonly DoctorCheck[];
  /** Whether every check passed. */
  readonly ok: boolean;
}

/**
 * Checks what a deploy of the project needs, each with its fix: the Docker host answers, the
 * engine runs (and which one it is), the engine can install the docker provider, the image
 * registry answers, PostgreSQL answers when the state is there, and the passphrase is given when
 * the state is encrypted. Changes nothing.
 */
export async function doctor(project: Project): Promise<DoctorResult> {
  const out = project.progress('doctor');
  return project.synth([], async ({ delivery }) => {
    const checks: DoctorCheck[] = [];
    for (const next of [
      () => dockerCheck(project),
      () => engineCheck(),
      () => providerCheck(),
      () => registryCheck(delivery),
      () => stateCheck(project, delivery),
      () => passphraseCheck(project, delivery),
    ]) {
      const check = await next();
      if (!check) continue;
      checks.push(check);
      if (check.ok) out.log(`ok   ${check.check}: ${check.found}`);
      else out.error(`FAIL ${check.check}: ${check.found}. Fix: ${check.fix}`);
    }
    return { checks, ok: checks.every((c) => c.ok) };
  });
}

/** The Docker host answers, with its version. */
async function dockerCheck(project: Project): Promise<DoctorCheck> {
  const version = await dockerVersion(project.root);
  return version !== undefined
    ? { check: 'docker', ok: true, found: `Docker ${version} at ${dockerHost()}` }
    : {
        check: 'docker',
        ok: false,
        found: `the Docker host at ${dockerHost()} does not answer`,
        fix: 'Start Docker, or point DOCKER_HOST at a Docker host that runs; the docker client must be on the PATH.',
      };
}

/** The engine runs: which one (and why that one), and its version. */
function engineCheck(): DoctorCheck {
  const engine = engineBinary();
  const chosen = process.env.TERRAFORM_BINARY_NAME
    ? 'TERRAFORM_BINARY_NAME'
    : engine === 'tofu'
      ? 'tofu on the PATH'
      : 'no TERRAFORM_BINARY_NAME and no tofu on the PATH';
  try {
    return { check: 'engine', ok: true, found: `${engineVersion()} (${engine}: ${chosen})` };
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    return {
      check: 'engine',
      ok: false,
      found: `${engine} does not run (${chosen})`,
      fix: error.fix,
    };
  }
}

/**
 * The engine can install the docker provider the stacks require, from the registry or from a
 * mirror of its CLI configuration: an `init` of a configuration that requires only it.
 */
async function providerCheck(): Promise<DoctorCheck> {
  const dir = scratchFolder('doctor');
  try {
    writeFileSync(
      join(dir, 'main.tf.json'),
      JSON.stringify({
        terraform: {
          required_providers: {
            docker: { source: 'kreuzwerker/docker', version: DEFAULTS.dockerProviderVersion },
          },
        },
      }),
    );
    const result = await runCollected(
      engineBinary(),
      ['init', '-backend=false', '-input=false', '-no-color'],
      {
        cwd: dir,
        env: { ...process.env, TF_DATA_DIR: join(dir, '.terraform'), CHECKPOINT_DISABLE: '1' },
      },
    );
    const installed = /Installed kreuzwerker\/docker v([\d.]+)/.exec(result.output)?.[1];
    const using = /Using (previously-installed )?kreuzwerker\/docker v([\d.]+)/.exec(
      result.output,
    )?.[2];
    return result.code === 0
      ? {
          check: 'provider',
          ok: true,
          found:
            `kreuzwerker/docker ${installed ?? using ?? ''} (${DEFAULTS.dockerProviderVersion})`.replace(
              '  ',
              ' ',
            ),
        }
      : {
          check: 'provider',
          ok: false,
          found: `the engine cannot install kreuzwerker/docker ${DEFAULTS.dockerProviderVersion}: ${firstError(result.output)}`,
          fix: 'Let the engine reach its provider registry, or give it a mirror that holds the provider (provider_installation in the file TF_CLI_CONFIG_FILE names).',
        };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The image registry answers its API (`/v2/`), when the images go to one over HTTP. */
async function registryCheck(delivery: DeliveryManifest): Promise<DoctorCheck> {
  const registry = delivery.registry ?? DEFAULTS.registry;
  const agent = new Agent();
  const { status } = await get(agent, `http://${registry}/v2/`).finally(() => agent.destroy());
  return status === 200 || status === 401
    ? { check: 'registry', ok: true, found: `${registry} answers (HTTP ${status})` }
    : {
        check: 'registry',
        ok: false,
        found: `the registry at ${registry} does not answer${status ? ` (HTTP ${status})` : ''}`,
        fix: `Start the registry at ${registry}, or set the Delivery's registry to one that runs.`,
      };
}

/** PostgreSQL answers, when the state is there. */
async function stateCheck(
  project: Project,
  delivery: DeliveryManifest,
): Promise<DoctorCheck | undefined> {
  if (delivery.state.backend !== 'pg') return undefined;
  try {
    const [row] = await project.database.query<{ version: string }>('SELECT version()');
    return {
      check: 'state',
      ok: true,
      found: `${row?.version.split(' on ')[0] ?? 'PostgreSQL'} answers`,
    };
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    return { check: 'state', ok: false, found: error.message, fix: error.fix };
  }
}

/** The passphrase is given, and long enough, when the state is encrypted (as a deploy checks it). */
function passphraseCheck(project: Project, delivery: DeliveryManifest): DoctorCheck | undefined {
  if (!delivery.stateEncrypted) return undefined;
  try {
    requireEncryption(loadStatePassphrase(project.root));
    return { check: 'passphrase', ok: true, found: `given (${PASSPHRASE_ENV})` };
  } catch (error) {
    if (!(error instanceof OperationError)) throw error;
    return { check: 'passphrase', ok: false, found: error.message, fix: error.fix };
  }
}

/** The engine's first error line. */
function firstError(output: string): string {
  const line = output
    .split('\n')
    .map((l) => l.replace(/^[│╷╵\s]+/, '').trim())
    .find((l) => l.startsWith('Error: '));
  return line?.slice('Error: '.length) ?? (output.trim().split('\n')[0] || 'no output');
}
