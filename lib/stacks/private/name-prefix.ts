import { invalidValue } from '../../private/errors';

/** Longest name prefix: Swarm service names, which carry it, may have at most 63 characters. */
const MAX_NAME_PREFIX = 20;

/**
 * What an environment's containers, networks and Swarm services are named after, and the value
 * of their environment label: the delivery's name prefix, then the environment's name (either may
 * be a token).
 */
export function dockerName(namePrefix: string, environment: string): string {
  return `${namePrefix}${environment}`;
}

/**
 * The problem with a name prefix, if any: it starts every Docker name of an environment, so it
 * must be what container, network and Swarm service names accept.
 */
export function namePrefixProblem(subject: string, value: string, fix: string): string | undefined {
  if (value === '') return undefined;
  if (/^[a-z0-9][a-z0-9-]*$/.test(value) && value.length <= MAX_NAME_PREFIX) return undefined;
  return invalidValue(
    subject,
    'namePrefix',
    `must be lower-case letters, digits and hyphens, starting with a letter or digit, at most ${MAX_NAME_PREFIX} characters`,
    value,
    fix,
  );
}
