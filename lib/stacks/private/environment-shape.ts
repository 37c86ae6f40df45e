/** The shape of an environment's configuration, as JavaScript may pass it. */
import { Approval } from '../../constructs/approval';
import { shape } from '../../private/shape';

/** What an environment is made of, checked before anything reads it. */
export const ENVIRONMENT_SHAPE = shape.object({
  name: shape.string,
  upstream: shape.string,
  approval: shape.instance(
    (value) => value instanceof Approval,
    'Approval.none() or Approval.required(record)',
  ),
  services: shape.map(
    shape.object({
      replicas: shape.number,
      port: shape.optional(shape.number),
      env: shape.optional(shape.map(shape.string)),
      memoryMb: shape.optional(shape.number),
      cpus: shape.optional(shape.number),
    }),
  ),
  publishAddress: shape.optional(shape.string),
  // Each value is checked against its setting's rules.
  settings: shape.optional(shape.map(shape.any)),
  source: shape.string,
});
