import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

import { StateLocation, StateStoreManifest } from '../stacks/state-store';

import { CliError } from './cli-error';

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
  /** The state at `location`; undefined when there is none yet. */
  public static read(location: StateLocation): RawState | undefined {
    if (location.backend === 'local') {
      if (!existsSync(location.path)) return undefined;
      return JSON.parse(readFileSync(location.path, 'utf8')) as RawState;
    }
    const exists = psql(
      `SELECT to_regclass('${quoteIdentifier(location.schema)}.states') IS NOT NULL`,
    );
    if (exists !== 't') return undefined;
    const data = psql(
      `SELECT data FROM ${quoteIdentifier(location.schema)}.states WHERE name = 'default'`,
    );
    return data === '' ? undefined : (JSON.parse(data) as RawState);
  }

  /** The stacks whose state holds resources (a destroyed stack leaves an empty state). */
  public static deployed(store: StateStoreManifest): string[] {
    let stacks: string[];
    if (store.backend === 'local') {
      if (!existsSync(store.directory)) return [];
      stacks = readdirSync(store.directory)
        .filter((f) => f.endsWith('.tfstate'))
        .map((f) => basename(f, '.tfstate'));
    } else {
      const pattern = `${store.schemaPrefix.replace(/_/g, '\\_')}%`;
      stacks = psql(
        `SELECT substr(nspname, ${store.schemaPrefix.length + 1}) FROM pg_namespace WHERE nspname LIKE '${pattern}' ORDER BY 1`,
      )
        .split('\n')
        .filter(Boolean);
    }
    return stacks.filter(
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
