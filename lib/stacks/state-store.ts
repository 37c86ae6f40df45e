import { isAbsolute, join, resolve } from 'node:path';

import { LocalBackend, TerraformStack } from 'cdktf';

import { BackendLocation } from '../parity/environment-parity';
import { DEFAULTS, STACK_PLACEHOLDER } from '../private/defaults';

/** Props of {@link StateStore.local}. */
export interface LocalStateStoreProps {
  /**
   * Folder of the state files, one per stack (`<directory>/<stack>.tfstate`); relative paths
   * resolve from the project root.
   * @default '.pipeline/state'
   */
  readonly directory?: string;
}

/**
 * Where every stage of a delivery keeps its Terraform state. Every stage uses the same store,
 * and a stage reads its upstream's verified image through it.
 */
export class StateStore {
  /** Local state files: the embedded default. */
  public static local(props: LocalStateStoreProps = {}): StateStore {
    return new StateStore(props.directory ?? DEFAULTS.stateDirectory);
  }

  private constructor(private readonly directory: string) {}

  /** The state file of `stack` for a project rooted at `root`. */
  public statePath(root: string, stack: string): string {
    return this.backendLocation(root).pattern.split(STACK_PLACEHOLDER).join(stack);
  }

  /**
   * Where the backend of every stack keeps its state, for a project rooted at `root`: the local
   * backend's `path`, `<directory>/{stack}.tfstate`. The parity check holds each environment
   * stack to it.
   */
  public backendLocation(root: string): BackendLocation {
    const dir = isAbsolute(this.directory) ? this.directory : resolve(root, this.directory);
    return { attribute: 'path', pattern: join(dir, `${STACK_PLACEHOLDER}.tfstate`) };
  }

  /** Configures the stack's backend. */
  public bind(stack: TerraformStack, root: string): void {
    new LocalBackend(stack, { path: this.statePath(root, stack.node.id) });
  }
}
