import { TerraformStack, TerraformVariable } from 'cdktf';

import { PASSPHRASE_VARIABLE } from '../private/defaults';
import { encryptionBlock, MIN_PASSPHRASE_LENGTH } from '../private/encryption';

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
  public static passphrase(): StateEncryption {
    return new StateEncryption(true);
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
    stack.addOverride('terraform.encryption', encryptionBlock());
  }
}
