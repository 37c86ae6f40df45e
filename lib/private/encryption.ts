/**
 * OpenTofu's state and plan encryption as the stacks configure it: a key derived (PBKDF2) from a
 * passphrase the deploying process gives, and AES-GCM. The configuration names the passphrase's
 * variable, never its value.
 */
import { PASSPHRASE_VARIABLE } from './defaults';

/** Shortest passphrase OpenTofu's PBKDF2 key provider accepts. */
export const MIN_PASSPHRASE_LENGTH = 16;

/** PBKDF2 iterations: OpenTofu's default, the fewest it accepts, and the most the package allows. */
export const PBKDF2_ITERATIONS = { default: 600_000, min: 200_000, max: 10_000_000 } as const;

/** The hash functions of OpenTofu's PBKDF2 key provider; `sha512` is its default. */
export const PBKDF2_HASH_FUNCTIONS = ['sha256', 'sha512'] as const;

/** A hash function of {@link PBKDF2_HASH_FUNCTIONS}. */
export type Pbkdf2HashFunction = (typeof PBKDF2_HASH_FUNCTIONS)[number];

/** How a state's key is derived from the passphrase; an empty object takes OpenTofu's defaults. */
export interface EncryptionSettings {
  /** PBKDF2 iterations; absent: OpenTofu's default ({@link PBKDF2_ITERATIONS}). */
  readonly iterations?: number;
  /** PBKDF2's hash function; absent: OpenTofu's default (`sha512`). */
  readonly hashFunction?: Pbkdf2HashFunction;
}

const KEY = 'key_provider.pbkdf2.pipeline';
const METHOD = 'method.aes_gcm.pipeline';
const UNENCRYPTED = 'method.unencrypted.migrate';

/**
 * The `terraform.encryption` block. `migrating`: plain state is read too (and written encrypted),
 * which OpenTofu allows only without `enforced`; stacks are synthesized with `enforced`, and only
 * the CLI's one-off migration of a plain state uses this. A state records the iterations and the
 * hash function it was written with, so any settings read it; `settings` decide how the engine
 * writes.
 */
export function encryptionBlock(
  settings: EncryptionSettings = {},
  migrating = false,
): { [key: string]: unknown } {
  const target = migrating
    ? { method: METHOD, fallback: { method: UNENCRYPTED } }
    : { method: METHOD, enforced: true };
  const pbkdf2 = {
    passphrase: `\${var.${PASSPHRASE_VARIABLE}}`,
    ...(settings.iterations === undefined ? {} : { iterations: settings.iterations }),
    ...(settings.hashFunction === undefined ? {} : { hash_function: settings.hashFunction }),
  };
  return {
    key_provider: { pbkdf2: { pipeline: pbkdf2 } },
    method: {
      aes_gcm: { pipeline: { keys: `\${${KEY}}` } },
      ...(migrating ? { unencrypted: { migrate: {} } } : {}),
    },
    state: target,
    plan: target,
    remote_state_data_sources: { default: { method: METHOD } },
  };
}

/** Whether a state file's text is OpenTofu-encrypted. */
export function isEncryptedState(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { encrypted_data?: unknown };
    return typeof parsed.encrypted_data === 'string';
  } catch {
    return false;
  }
}
