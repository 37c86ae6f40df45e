/** Shapes of the library's own objects that stacks take in their props (each optional). */
import { SmokeTest } from '../../constructs/smoke-test';
import { shape } from '../../private/shape';
import { DeploymentTarget } from '../deployment-target';
import { StateEncryption } from '../state-encryption';
import { StateStore } from '../state-store';

export const OPTIONAL_STATE_STORE = shape.optional(
  shape.instance(
    (value) => value instanceof StateStore,
    'StateStore.local(), StateStore.postgres() or StateStore.fromEnvironment()',
  ),
);

export const OPTIONAL_STATE_ENCRYPTION = shape.optional(
  shape.instance(
    (value) => value instanceof StateEncryption,
    'StateEncryption.passphrase() or StateEncryption.none()',
  ),
);

export const OPTIONAL_TARGET = shape.optional(
  shape.instance(
    (value) => value instanceof DeploymentTarget,
    'DeploymentTarget.containers() or DeploymentTarget.swarm()',
  ),
);

export const OPTIONAL_SMOKE_TESTS = shape.optional(
  shape.list(shape.instance((value) => value instanceof SmokeTest, 'SmokeTest.http(...)')),
);
