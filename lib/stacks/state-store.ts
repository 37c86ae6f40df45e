import { isAbsolute, join, resolve } from 'node:path';

import { Fn, LocalBackend, TerraformBackend, TerraformRemoteState, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

import { IRemoteStateReader } from '../constructs/promotion';
import { BackendLocation } from '../parity/environment-parity';
import { DEFAULTS, STACK_PLACEHOLDER, STATE_STORE_VARIABLE } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';
import { StateLocation, StateStoreManifest } from '../schema/delivery-manifest';

/** Props of {@link StateStore.local}. */
export interface LocalStateStoreProps {
  /**
   * Folder of the state files, one per stack (`<directory>/<stack>.tfstate`); relative paths
   * resolve from the project root.
   * @default '.pipeline/state'
   */
  readonly directory?: string;
}

/** Props of {@link StateStore.postgres}. */
export interface PostgresStateStoreProps {
  /**
   * Prefix of each stack's schema: the state of stack `dev` is in schema `<prefix>dev`.
   * Lowercase letters, digits and `_`.
   * @default 'cdktf_pipeline_'
   */
  readonly schemaPrefix?: string;
}

/**
 * Where every stage of a delivery keeps its Terraform state: local files (the embedded default)
 * or PostgreSQL (OpenTofu's `pg` backend: one schema per stack, locks the server releases when a
 * client dies). Every stage uses the same store, and a stage reads its upstream's verified release
 * through it. The PostgreSQL connection is never part of the configuration: the engine and the
 * CLI take it from `PG_CONN_STR` (or the libpq variables `PGHOST`, `PGUSER`, ...).
 */
export class StateStore implements IRemoteStateReader {
  /** Local state files: the embedded default. */
  public static local(props: LocalStateStoreProps = {}): StateStore {
    assertShape(
      'state store',
      props,
      shape.object({ directory: shape.optional(shape.string) }),
      'Fix it in StateStore.local().',
    );
    return new StateStore({
      backend: 'local',
      directory: props.directory ?? DEFAULTS.stateDirectory,
    });
  }

  /** PostgreSQL, one schema per stack, with the connection from the environment. */
  public static postgres(props: PostgresStateStoreProps = {}): StateStore {
    assertShape(
      'state store',
      props,
      shape.object({ schemaPrefix: shape.optional(shape.string) }),
      'Fix it in StateStore.postgres().',
    );
    const schemaPrefix = props.schemaPrefix ?? DEFAULTS.stateSchemaPrefix;
    if (!/^[a-z_][a-z0-9_]*$/.test(schemaPrefix)) {
      throw new ConfigurationError([
        invalidValue(
          'state store',
          'schemaPrefix',
          "must be lowercase letters, digits and '_', starting with a letter or '_'",
          schemaPrefix,
          "Use e.g. 'cdktf_pipeline_'.",
        ),
      ]);
    }
    return new StateStore({ backend: 'pg', schemaPrefix });
  }

  /**
   * The store that `PIPELINE_STATE` selects: `local` (or unset) for local files, `pg` for
   * PostgreSQL, each with its defaults. The CLI and CI jobs read the same variable, so one
   * setting moves a whole team.
   */
  public static fromEnvironment(env: NodeJS.ProcessEnv = process.env): StateStore {
    const value = env[STATE_STORE_VARIABLE] ?? '';
    if (value === '' || value === 'local') return StateStore.local();
    if (value === 'pg') return StateStore.postgres();
    throw new ConfigurationError([
      invalidValue(
        'environment',
        STATE_STORE_VARIABLE,
        "must be 'local' or 'pg'",
        value,
        `Set ${STATE_STORE_VARIABLE}=pg for PostgreSQL state, or unset it for local files.`,
      ),
    ]);
  }

  private constructor(private readonly store: StateStoreManifest) {}

  /** The backend type: `local` or `pg`. */
  public get backend(): 'local' | 'pg' {
    return this.store.backend;
  }

  /**
   * How the CLI finds the state of every stack, for a project rooted at `root`.
   * @internal
   */
  public manifest(root: string): StateStoreManifest {
    return this.store.backend === 'local'
      ? { backend: 'local', directory: this.directory(root) }
      : this.store;
  }

  /**
   * Where the state of `stack` is, for a project rooted at `root`.
   * @internal
   */
  public locationOf(root: string, stack: string): StateLocation {
    const at = this.backendLocation(root).pattern.split(STACK_PLACEHOLDER).join(stack);
    return this.store.backend === 'local'
      ? { backend: 'local', path: at }
      : { backend: 'pg', schema: at };
  }

  /**
   * The backend setting that differs between stacks and its one pattern: the local backend's
   * `path` (`<directory>/{stack}.tfstate`) or the pg backend's `schema_name`
   * (`<prefix>{stack}`). The parity check holds each environment stack to it.
   */
  public backendLocation(root: string): BackendLocation {
    return this.store.backend === 'local'
      ? { attribute: 'path', pattern: join(this.directory(root), `${STACK_PLACEHOLDER}.tfstate`) }
      : { attribute: 'schema_name', pattern: `${this.store.schemaPrefix}${STACK_PLACEHOLDER}` };
  }

  /** Configures the stack's backend. */
  public bind(stack: TerraformStack, root: string): void {
    const location = this.locationOf(root, stack.node.id);
    if (location.backend === 'local') new LocalBackend(stack, { path: location.path });
    else new PostgresBackend(stack, location.schema);
  }

  /**
   * Reads another stack's outputs through this store. `location` is where that stack's state is
   * (a path or a schema name, as the store gives for the stack, or a variable holding it);
   * `missing` is the message when a local state file does not exist.
   */
  public remoteState(
    scope: Construct,
    id: string,
    location: string,
    defaults: { readonly [output: string]: unknown },
    missing: string,
  ): TerraformRemoteState {
    const state = new RemoteState(
      scope,
      id,
      this.store.backend,
      this.store.backend === 'local' ? { path: location } : { schema_name: location },
      defaults,
    );
    // A local stage that was never deployed has no state file: say so before reading it. (A pg
    // schema without state reads as empty, and the defaults apply.)
    if (this.store.backend === 'local') {
      state.addOverride('lifecycle', {
        precondition: [{ condition: Fn.fileexists(location), error_message: missing }],
      });
    }
    return state;
  }

  private directory(root: string): string {
    if (this.store.backend !== 'local') throw new Error('not a local state store');
    const dir = this.store.directory;
    return isAbsolute(dir) ? dir : resolve(root, dir);
  }
}

/** The pg backend with a schema and no connection string: the engine takes `PG_CONN_STR`. */
class PostgresBackend extends TerraformBackend {
  constructor(
    scope: Construct,
    private readonly schemaName: string,
  ) {
    super(scope, 'backend', 'pg');
  }

  public override getRemoteStateDataSource(
    scope: Construct,
    name: string,
    _fromStack: string,
  ): TerraformRemoteState {
    return new RemoteState(scope, name, 'pg', { schema_name: this.schemaName }, {});
  }

  protected override synthesizeAttributes(): { [name: string]: unknown } {
    return { schema_name: this.schemaName };
  }
}

/** `terraform_remote_state` of any backend type, with only the settings given. */
class RemoteState extends TerraformRemoteState {
  constructor(
    scope: Construct,
    id: string,
    backend: string,
    config: { readonly [name: string]: unknown },
    defaults: { readonly [output: string]: unknown },
  ) {
    super(scope, id, backend, { ...config, defaults } as never);
  }
}
