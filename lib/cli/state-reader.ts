import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { isEncryptedState } from '../private/encryption';
import { StateLocation, StateStoreManifest } from '../stacks/state-store';

import { CliError } from './cli-error';
import { decryptedState, stateLocationText } from './state-engine';

/** A stack's Terraform state, as the engine wrote it (the parts the CLI reads). */
export interface RawState {
  readonly outputs?: Record<string, { readonly value: unknown }>;
  readonly resources?: readonly unknown[];
}

/**
 * Reads stacks' states where the delivery's state store keeps them: local files, or PostgreSQL
 * (`psql`, with the connection from `PG_CONN_STR` or the libpq variables, as the engine takes it).
 */
export class StateReader {
  /**
   * The state at `location`; undefined when there is none yet. An encrypted state is decrypted by
   * `decrypt` when given (an engine run in a folder already initialised for this state), else by
   * the engine in a scratch folder of its own.
   */
  public static read(
    location: StateLocation,
    decrypt: (location: StateLocation) => string = decryptedState,
  ): RawState | undefined {
    const text = StateReader.text(location);
    return text === undefined ? undefined : parseState(text, location, decrypt);
  }

  /** Whether the state at `location` exists in plain text (not encrypted). */
  public static isPlain(location: StateLocation): boolean {
    const text = StateReader.text(location);
    return text !== undefined && !isEncryptedState(text);
  }

  private static text(location: StateLocation): string | undefined {
    if (location.backend === 'local') {
      return existsSync(location.path) ? readFileSync(location.path, 'utf8') : undefined;
    }
    if (
      psql(`SELECT to_regclass('${quoteIdentifier(location.schema)}.states') IS NOT NULL`) !== 't'
    ) {
      return undefined;
    }
    const data = psql(
      `SELECT data FROM ${quoteIdentifier(location.schema)}.states WHERE name = 'default'`,
    );
    return data === '' ? undefined : data;
  }

  /** The stacks that have a state in the store (deployed, or destroyed and left empty). */
  public static stacks(store: StateStoreManifest): string[] {
    if (store.backend === 'local') {
      if (!existsSync(store.directory)) return [];
      return readdirSync(store.directory)
        .filter((f) => f.endsWith('.tfstate'))
        .map((f) => basename(f, '.tfstate'));
    }
    const pattern = `${store.schemaPrefix.replace(/_/g, '\\_')}%`;
    return psql(
      `SELECT substr(nspname, ${store.schemaPrefix.length + 1}) FROM pg_namespace WHERE nspname LIKE '${pattern}' ORDER BY 1`,
    )
      .split('\n')
      .filter(Boolean);
  }

  /** The stacks whose state holds resources (a destroyed stack leaves an empty state). */
  public static deployed(store: StateStoreManifest): string[] {
    return StateReader.stacks(store).filter(
      (stack) =>
        (StateReader.read(StateReader.locationIn(store, stack))?.resources ?? []).length > 0,
    );
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
    throw new CliError(
      `the state at ${stateLocationText(location)} is not valid JSON (${text.length} bytes): it was cut short or overwritten.`,
      'Restore it from its backup (a local state keeps <stack>.tfstate.backup beside it), then deploy again.',
    );
  }
}

/**
 * One query's result rows (unaligned, `|` between fields, tuples only), with the connection from
 * the environment (`PG_CONN_STR`, or the libpq variables).
 */
export function psql(query: string): string {
  const connection = process.env.PG_CONN_STR ?? '';
  try {
    return execFileSync(
      'psql',
      ['-X', '-A', '-t', '-q', '-v', 'ON_ERROR_STOP=1', '-d', connection, '-c', query],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    ).trim();
  } catch (error) {
    const e = error as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') {
      throw new CliError(
        'psql is not installed: the CLI reads PostgreSQL state with it.',
        'Install the PostgreSQL client (Debian: apt-get install postgresql-client), or run scripts/setup.',
      );
    }
    throw new CliError(
      `the state database failed: ${(e.stderr ?? e.message).trim()}`,
      'Set PG_CONN_STR (or PGHOST, PGUSER, ...) to the state database; with PIPELINE_STATE=pg, scripts/setup starts one and writes it to pipeline.env.',
    );
  }
}

/** A PostgreSQL identifier, quoted. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
