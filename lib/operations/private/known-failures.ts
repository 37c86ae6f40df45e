import { DEFAULTS } from '../../private/defaults';
import { runCollected } from '../../private/process';
import { dockerNameOf, StageManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
import { isNameConflict } from './orphans';

/** The Docker host the CLI and the provider talk to: `DOCKER_HOST`, else the local socket. */
export function dockerHost(): string {
  return process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
}

/**
 * The Docker host's version, as `docker version` reports it; undefined when it does not answer
 * (or no docker client is on the PATH).
 */
export async function dockerVersion(cwd: string): Promise<string | undefined> {
  const result = await runCollected('docker', ['version', '--format', '{{.Server.Version}}'], {
    cwd,
    env: process.env,
  });
  return result.code === 0 ? result.output.trim().split('\n').at(-1) : undefined;
}

/** A failure whose cause the log names plainly: what is down, and how to bring it back. */
export function knownFailure(
  action: string,
  stage: StageManifest,
  log: string,
  logFile: string,
): OperationError | undefined {
  const stack = stage.name;
  // The engine went away while the deploy talked to it (a crash, a restart): the provider's
  // request ends without an answer (EOF), the connection is reset under it, or the socket refuses
  // the next one. The Docker client says "error during connect" for transport failures alone.
  const lost =
    /error during connect: \w+ "[^"]*": ([^\n]+)/.exec(log) ??
    /Cannot connect to the Docker daemon at \S+?\.? /.exec(log);
  if (lost) {
    const why = lost[1] ? ` (${lost[1].trim()})` : '';
    return new OperationError(
      `${action} ${stack} failed: the Docker host at ${dockerHost()} stopped answering during the ${action}${why}.${action === 'deploy' ? ` ${stack}'s verified release is unchanged, and nothing was promoted.` : ''} The full log is ${logFile}.`,
      `Start Docker: what it ran starts again with it. Then ${action} ${stack} again: it finishes what this one began.`,
    );
  }
  // A refused TCP connection in the push is the registry's; anywhere else, name only the address.
  const refused = /dial tcp ([\w.-]+:\d+): connect: connection refused/.exec(log);
  if (refused) {
    const address = refused[1];
    // The resource whose error it is: the `with ...` line that follows the error's own line.
    const after = log.slice(refused.index);
    const inPush = /^\s*with docker_registry_image\./m.test(after.split(/\n\S*\s*Error: /)[0]);
    if (inPush) {
      return new OperationError(
        `${action} ${stack} failed: the registry at ${address} does not answer (connection refused). Nothing was pushed or promoted; every environment keeps what it runs. The full log is ${logFile}.`,
        'Start the registry, then deploy again.',
      );
    }
    return new OperationError(
      `${action} ${stack} failed: ${address} refused the connection. The full log is ${logFile}.`,
      `Start what should answer on ${address} (the error above names it), then ${action} again.`,
    );
  }
  if (isNameConflict(log)) {
    return new OperationError(
      `${action} ${stack} failed: a name it creates is taken by something this project did not make (not labelled ${DEFAULTS.environmentLabel}=${dockerNameOf(stage)}). The full log is ${logFile}.`,
      'Remove or rename that container, network or service (the error above names it), then deploy again.',
    );
  }
  return undefined;
}
