import { DEFAULTS } from '../../private/defaults';
import { runCollected } from '../../private/process';
import { SERVICE_LABEL } from '../../private/service-specs';

import { OperationError } from './operation-error';

/** What the docker provider says when a service's update rolled back (and the apply fails). */
const ROLLBACK = /service rollback (completed|paused): ?([^\n│]*)/;

/** A Swarm service whose last update rolled back, and why its new tasks failed. */
export interface RolledBackService {
  /** The delivery's service name ('web'). */
  readonly service: string;
  /** The Swarm service's name ('staging-web'). */
  readonly swarmService: string;
  /** How the update ended: 'rollback_completed' or 'rollback_paused'. */
  readonly state: string;
  /** The errors of the tasks the update started and Swarm stopped, e.g. 'unhealthy container'. */
  readonly reasons: readonly string[];
}

/** Whether a failed deploy's log says that a Swarm service rolled back. */
export function isSwarmRollback(log: string): boolean {
  return ROLLBACK.test(log);
}

/**
 * The error of a deploy that failed because Swarm rolled a rollout back: which services, why
 * their new tasks failed, and that the environment keeps the version it ran and verified before.
 * `dockerName` is what the environment's services are labelled with.
 */
export function rollbackError(
  stack: string,
  log: string,
  services: readonly RolledBackService[],
  logFile: string,
  dockerName = stack,
): OperationError {
  const said = ROLLBACK.exec(log)?.[0].trim() ?? 'service rollback completed';
  const which =
    services.length === 0
      ? `a Swarm service of ${stack} rolled back (the engine said: ${said})`
      : services
          .map(
            (s) =>
              `Swarm rolled back service '${s.service}' (${s.swarmService}${s.state === 'rollback_paused' ? ', rollback paused' : ''}): ` +
              `its new tasks failed (${s.reasons.length > 0 ? s.reasons.join('; ') : 'no task error recorded'})`,
          )
          .join('; ');
  const inspect =
    services.length === 0
      ? `docker service ls --filter label=${DEFAULTS.environmentLabel}=${dockerName}`
      : services.map((s) => `docker service ps --no-trunc ${s.swarmService}`).join(', ');
  return new OperationError(
    `deploy ${stack} failed: ${which}. ${stack} runs the version it ran before, and its verified release is unchanged.`,
    `See the failed tasks (${inspect}) and the full log ${logFile}; fix the image, then deploy again.`,
  );
}

/**
 * Asks the Docker host which services of an environment (by their environment label, its
 * Docker name) last rolled back, and the errors of their failed tasks. Empty when the host
 * cannot tell.
 */
export async function rolledBackServices(
  dockerName: string,
  env: NodeJS.ProcessEnv,
): Promise<RolledBackService[]> {
  const docker = async (...args: string[]): Promise<string[]> => {
    const result = await runCollected('docker', args, { cwd: process.cwd(), env });
    return result.code === 0 ? result.output.split('\n').filter(Boolean) : [];
  };
  const ids = await docker(
    'service',
    'ls',
    '-q',
    '--filter',
    `label=${DEFAULTS.environmentLabel}=${dockerName}`,
  );
  if (ids.length === 0) return [];
  const found = await docker(
    'service',
    'inspect',
    '--format',
    `{{.Spec.Name}}|{{index .Spec.Labels "${SERVICE_LABEL}"}}|{{if .UpdateStatus}}{{.UpdateStatus.State}}{{end}}`,
    ...ids,
  );
  const rolledBack: RolledBackService[] = [];
  for (const line of found) {
    const [swarmService, service, state] = line.split('|');
    if (!state?.startsWith('rollback')) continue;
    const errors = await docker(
      'service',
      'ps',
      '--no-trunc',
      '--filter',
      'desired-state=shutdown',
      '--format',
      '{{.Error}}',
      swarmService,
    );
    rolledBack.push({
      service,
      swarmService,
      state,
      // docker prints each error quoted: "task: non-zero exit (143): dockerexec: unhealthy container"
      reasons: [...new Set(errors.map((e) => e.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean))],
    });
  }
  return rolledBack;
}
