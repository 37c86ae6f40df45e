import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { isEncryptedState } from '../../private/encryption';
import { allInOrder } from '../../private/process';
import { StateLocation, StateStoreManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
import { loadStatePassphrase } from './secrets';
import { StateDatabase } from './state-database';
import { decryptedState, stateLocationText } from './state-engine';

/** A stack's Terraform state, as the engine wrote it (the parts the CLI reads). */
export interface RawState {
  readonly outputs?: Record<string, { readonly value: unknown }>;
  readonly resources?: readonly unknown[];
}

/**
 * Reads stacks' states where the delivery's state store keeps them: local files, or PostgreSQL
 * (through the command's {@link StateDatabase}, with the connection from `PG_CONN_STR` or the
 * libpq variables, as the engine takes it).
 */
export class StateReader {
  /** `root`: the project's folder, whose secrets file may hold the state passphrase. */
  constructor(
    private readonly database: StateDatabase,
    private readonly root: string,
  ) {}

  /**
   * The state at `location`; undefined when there is none yet. An encrypted state is decrypted by
   * `decrypt` when given (an engine run in a folder already initialised for this state), else by
   * the engine in a scratch folder of its own.
   */
  public async read(
    location: StateLocation,
    decrypt?: (location: StateLocation) => Promise<string>,
  ): Promise<RawState | undefined> {
    const plain = await this.plainText(location, decrypt);
    return plain === undefined ? undefined : parseState(plain, location);
  }

  /**
   * The state at `location` as JSON text, decrypted when it is encrypted (see {@link read});
   * undefined when there is none yet. Kept in memory only.
   */
  public async plainText(
    location: StateLocation,
    decrypt: (location: StateLocation) => Promise<string> = (l) =>
      decryptedState(l, loadStatePassphrase(this.root)),
  ): Promise<string | undefined> {
    const text = await this.text(location);
    if (text === undefined || !isEncryptedState(text)) return text;
    const key = stateLocationText(location);
    const known = decryptedTexts.get(key);
    const plain = known?.encrypted === text ? known.plain : await decrypt(location);
    decryptedTexts.set(key, { encrypted: text, plain });
    return plain;
  }

  /** Whether the state at `location` exists in plain text (not encrypted). */
  public async isPlain(location: StateLocation): Promise<boolean> {
    const text = await this.text(location);
    return text !== undefined && !isEncryptedState(text);
  }

  /** The state's text as it is stored (encrypted when it is); undefined when there is none. */
  public async text(location: StateLocation): Promise<string | undefined> {
    if (location.backend === 'local') {
      return existsSync(location.path) ? readFileSync(location.path, 'utf8') : undefined;
    }
    const [table] = await this.database.query<{ exists: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS exists',
      [`${StateDatabase.identifier(location.schema)}.states`],
    );
    if (!table?.exists) return undefined;
    const [row] = await this.database.query<{ data: string | null }>(
      `SELECT data FROM ${StateDatabase.identifier(location.schema)}.states WHERE name = $1`,
      ['default'],
    );
    return row?.data ? row.data : undefined;
  }

  /** The stacks that have a state in the store (deployed, or destroyed and left empty), by name. */
  public async stacks(store: StateStoreManifest): Promise<string[]> {
    if (store.backend === 'local') {
      if (!existsSync(store.directory)) return [];
      return readdirSync(store.directory)
        .filter((f) => f.endsWith('.tfstate'))
        .map((f) => basename(f, '.tfstate'))
        .sort();
    }
    const rows = await this.database.query<{ stack: string }>(
      'SELECT substr(nspname, $1) AS stack FROM pg_namespace WHERE starts_with(nspname, $2) ORDER BY 1',
      [store.schemaPrefix.length + 1, store.schemaPrefix],
    );
    return rows.map((r) => r.stack).filter(Boolean);
  }

  /** The stacks whose state holds resources (a destroyed stack leaves an empty state). */
  public async deployed(store: StateStoreManifest): Promise<string[]> {
    const stacks = await this.stacks(store);
    // Read side by side: an encrypted state costs an engine run.
    const states = await allInOrder(
      stacks.map((stack) => this.read(StateReader.locationIn(store, stack))),
    );
    return stacks.filter((_, i) => (states[i]?.resources ?? []).length > 0);
  }

  /** Drops a stage's state schema in PostgreSQL (what a move to local files leaves behind). */
  public async dropSchema(location: StateLocation): Promise<void> {
    if (location.backend !== 'pg') return;
    await this.database.query(`DROP SCHEMA ${StateDatabase.identifier(location.schema)} CASCADE`);
  }

  /** Where `stack`'s state is in `store`. */
  public static locationIn(store: StateStoreManifest, stack: string): StateLocation {
    return store.backend === 'local'
      ? { backend: 'local', path: join(store.directory, `${stack}.tfstate`) }
      : { backend: 'pg', schema: `${store.schemaPrefix}${stack}` };
  }

  /** A location for messages: a path relative to `root`, or the PostgreSQL schema. */
  public static describe(location: StateLocation, root: string): string {
    if (location.backend === 'pg') return `PostgreSQL schema ${location.schema}`;
    const rel = relative(root, location.path);
    return rel.startsWith('..') ? location.path : rel;
  }
}

/**
 * The text each location's encrypted state last decrypted to, by that encrypted text: one engine
 * run per version of a state, however often a command reads it (teardown reads each state to find
 * what is deployed, then to list it before it asks).
 */
const decryptedTexts = new Map<string, { readonly encrypted: string; readonly plain: string }>();

/** A state's (plain) text as JSON. */
function parseState(plain: string, location: StateLocation): RawState {
  try {
    return JSON.parse(plain) as RawState;
  } catch {
    throw new OperationError(
      `the state at ${stateLocationText(location)} is not valid JSON (${plain.length} bytes): it was cut short or overwritten.`,
      'Restore it from its backup (a local state keeps <stack>.tfstate.backup beside it), then deploy again.',
    );
  }
}
