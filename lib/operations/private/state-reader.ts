import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { isEncryptedState } from '../../private/encryption';
import { StateLocation, StateStoreManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
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
  constructor(private readonly database: StateDatabase) {}

  /**
   * The state at `location`; undefined when there is none yet. An encrypted state is decrypted by
   * `decrypt` when given (an engine run in a folder already initialised for this state), else by
   * the engine in a scratch folder of its own.
   */
  public async read(
    location: StateLocation,
    decrypt: (location: StateLocation) => string = decryptedState,
  ): Promise<RawState | undefined> {
    const text = await this.text(location);
    return text === undefined ? undefined : parseState(text, location, decrypt);
  }

  /** Whether the state at `location` exists in plain text (not encrypted). */
  public async isPlain(location: StateLocation): Promise<boolean> {
    const text = await this.text(location);
    return text !== undefined && !isEncryptedState(text);
  }

  private async text(location: StateLocation): Promise<string | undefined> {
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

  /** The stacks that have a state in the store (deployed, or destroyed and left empty). */
  public async stacks(store: StateStoreManifest): Promise<string[]> {
    if (store.backend === 'local') {
      if (!existsSync(store.directory)) return [];
      return readdirSync(store.directory)
        .filter((f) => f.endsWith('.tfstate'))
        .map((f) => basename(f, '.tfstate'));
    }
    const rows = await this.database.query<{ stack: string }>(
      'SELECT substr(nspname, $1) AS stack FROM pg_namespace WHERE starts_with(nspname, $2) ORDER BY 1',
      [store.schemaPrefix.length + 1, store.schemaPrefix],
    );
    return rows.map((r) => r.stack).filter(Boolean);
  }

  /** The stacks whose state holds resources (a destroyed stack leaves an empty state). */
  public async deployed(store: StateStoreManifest): Promise<string[]> {
    const deployed: string[] = [];
    for (const stack of await this.stacks(store)) {
      const state = await this.read(StateReader.locationIn(store, stack));
      if ((state?.resources ?? []).length > 0) deployed.push(stack);
    }
    return deployed;
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

/** A state's text as JSON; an encrypted one is decrypted by the engine first. */
function parseState(
  text: string,
  location: StateLocation,
  decrypt: (location: StateLocation) => string,
): RawState {
  let plain = text;
  if (isEncryptedState(text)) {
    const key = stateLocationText(location);
    const known = decryptedTexts.get(key);
    plain = known?.encrypted === text ? known.plain : decrypt(location);
    decryptedTexts.set(key, { encrypted: text, plain });
  }
  try {
    return JSON.parse(plain) as RawState;
  } catch {
    throw new OperationError(
      `the state at ${stateLocationText(location)} is not valid JSON (${text.length} bytes): it was cut short or overwritten.`,
      'Restore it from its backup (a local state keeps <stack>.tfstate.backup beside it), then deploy again.',
    );
  }
}
