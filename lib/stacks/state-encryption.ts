import { TerraformStack, TerraformVariable } from 'cdktf';

import { PASSPHRASE_VARIABLE } from '../private/defaults';
import {
  encryptionBlock,
  EncryptionSettings,
  MIN_PASSPHRASE_LENGTH,
  PBKDF2_HASH_FUNCTIONS,
  PBKDF2_ITERATIONS,
} from '../private/encryption';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';

/** How the key of a passphrase-encrypted state is derived. */
export interface PassphraseEncryptionProps {
  /**
   * PBKDF2 iterations that derive the key from the passphrase: the work an attacker who holds an
   * encrypted state pays per guess, and the work every engine run that reads or writes a state
   * pays too, several times per run (a plan of an encrypted stage took 1.7 s of CPU at 600 000
   * and 0.6 s at 200 000 on the machine the package is tested on). From 200 000 (the fewest
   * OpenTofu accepts) to 10 000 000. A state keeps the iterations it was written with, so a
   * change applies from each stage's next deploy and old states stay readable.
   * @default 600000 (OpenTofu's default)
   */
  readonly iterations?: number;
  /**
   * PBKDF2's hash function: `sha512`, or `sha256`, which costs every engine run less where the
   * processor computes SHA-256 in hardware (at 200 000 iterations, a plan of an encrypted stage
   * took 0.25 s of CPU with `sha256` and 0.71 s with `sha512` on the machine the package is
   * tested on), and an attacker less per guess too: OWASP asks for 600 000 iterations with
   * `sha256`, 210 000 with `sha512`. A state keeps the hash function it was written with, like
   * its iterations.
   * @default 'sha512' (OpenTofu's default)
   */
  readonly hashFunction?: 'sha256' | 'sha512';
}

/**
 * Whether a delivery's state and plan files are encrypted. With a passphrase (OpenTofu only),
 * every stack's state and plans are encrypted with AES-GCM under a key derived from it, and
 * OpenTofu refuses to write them in plain text. The passphrase never enters the configuration:
 * the deploying process gives it as `TF_VAR_state_passphrase` (the package CLI also reads it from
 * the secrets folder's `state.passphrase`).
 */
export class StateEncryption {
  /**
   * State and plans encrypted under a passphrase of at least 16 characters. The default of a
   * delivery with secrets. The package CLI migrates plain state on the next deploy.
   */
  public static passphrase(props: PassphraseEncryptionProps = {}): StateEncryption {
    assertShape(
      'state encryption',
      props,
      shape.object({
        iterations: shape.optional(shape.number),
        hashFunction: shape.optional(shape.string),
      }),
      'Fix it in StateEncryption.passphrase().',
    );
    const { iterations, hashFunction } = props;
    const { min, max } = PBKDF2_ITERATIONS;
    const problems: string[] = [];
    if (
      iterations !== undefined &&
      !(Number.isInteger(iterations) && iterations >= min && iterations <= max)
    ) {
      problems.push(
        invalidValue(
          'state encryption',
          'iterations',
          `must be a whole number from ${min} (the fewest OpenTofu accepts) to ${max}`,
          iterations,
          `Leave it out for OpenTofu's default (${PBKDF2_ITERATIONS.default}), or give e.g. ${min}.`,
        ),
      );
    }
    if (hashFunction !== undefined && !PBKDF2_HASH_FUNCTIONS.includes(hashFunction)) {
      problems.push(
        invalidValue(
          'state encryption',
          'hashFunction',
          `must be one of ${PBKDF2_HASH_FUNCTIONS.map((h) => `'${h}'`).join(', ')}`,
          hashFunction,
          "Leave it out for OpenTofu's default ('sha512'), or give 'sha256'.",
        ),
      );
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
    return new StateEncryption(true, {
      ...(iterations === undefined ? {} : { iterations }),
      ...(hashFunction === undefined ? {} : { hashFunction }),
    });
  }

  /**
   * State and plans in plain text. For a delivery with secrets this is the explicit acceptance
   * that the state holds them readable (e.g. with an engine that cannot encrypt).
   */
  public static none(): StateEncryption {
    return new StateEncryption(false);
  }

  private constructor(
    /** Whether state and plans are encrypted. */
    public readonly encrypted: boolean,
    /**
     * How the key is derived (iterations or hash function absent: OpenTofu's default).
     * @internal
     */
    public readonly settings: EncryptionSettings = {},
  ) {}

  /** Configures a stack's encryption, and declares the passphrase's variable when it has one. */
  public bind(stack: TerraformStack): void {
    if (!this.encrypted) return;
    new TerraformVariable(stack, PASSPHRASE_VARIABLE, {
      type: 'string',
      description: `Passphrase of the state encryption (at least ${MIN_PASSPHRASE_LENGTH} characters): given by the deploying process, never recorded.`,
      nullable: false,
      sensitive: true,
    });
    stack.addOverride('terraform.encryption', encryptionBlock(this.settings));
  }
}
