import { hostname, userInfo } from 'node:os';

import { StateLocation } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
import { StateDatabase } from './state-database';

/** The variable that sets how long a deploy waits for another one's state lock. */
export const LOCK_TIMEOUT_VARIABLE = 'PIPELINE_LOCK_TIMEOUT';
/** How long a deploy waits for a state lock by default. */
export const DEFAULT_LOCK_TIMEOUT = '120s';

/**
 * The engine's lock timeout for every command that locks state, from PIPELINE_LOCK_TIMEOUT
 * (e.g. `30s`, `5m`; default 120s), as `TF_CLI_ARGS_<command>` variables.
 */
export function lockTimeoutEnv(env: NodeJS.ProcessEnv = process.env): {
  readonly timeout: string;
  readonly env: { readonly [name: string]: string };
} {
  const timeout = env[LOCK_TIMEOUT_VARIABLE] || DEFAULT_LOCK_TIMEOUT;
  if (!/^\d+(ms|s|m|h)$/.test(timeout)) {
    throw new OperationError(
      `${LOCK_TIMEOUT_VARIABLE} must be a duration such as 30s or 5m, got '${timeout}'.`,
      `Set e.g. ${LOCK_TIMEOUT_VARIABLE}=90s, or unset it for ${DEFAULT_LOCK_TIMEOUT}.`,
    );
  }
  const flag = `-lock-timeout=${timeout}`;
  return {
    timeout,
    env: Object.fromEntries(
      ['plan', 'apply', 'destroy', 'refresh', 'import'].map((c) => [`TF_CLI_ARGS_${c}`, flag]),
    ),
  };
}

/**
 * `PG_CONN_STR` with an application name that says who this client is (`deploy dev
 * root@host pid 42`): PostgreSQL shows it for the session that holds a lock.
 */
export function namedConnection(connection: string | undefined, who: string): string | undefined {
  if (connection === undefined || connection === '') return connection;
  const name = who.slice(0, 63);
  if (/^postgres(ql)?:\/\//.test(connection)) {
    const url = new URL(connection);
    url.searchParams.set('application_name', name);
    return url.toString();
  }
  return `${connection} application_name='${name.replace(/['\\]/g, '\\$&')}'`;
}

/** Who this process is, for lock holders: `deploy dev by root@host (pid 42)`. */
export function describeClient(action: string, stack: string): string {
  return `${action} ${stack} by ${userInfo().username}@${hostname()} (pid ${process.pid})`;
}

/** Whether the engine's log says it could not take the state lock. */
export function isLockFailure(log: string): boolean {
  return /Error acquiring the state lock/.test(log);
}

/**
 * Who holds the lock on the state at `location`: for PostgreSQL, the session holding the
 * advisory lock on the state's row (its application name, address and start); for a local file,
 * the lock information the engine printed. Undefined when nobody can be named.
 */
export async function lockHolder(
  location: StateLocation,
  log: string,
  database: StateDatabase,
): Promise<string | undefined> {
  if (location.backend === 'pg') {
    let rows: { name: string; address: string; since: string | null }[];
    try {
      rows = await database.query(
        `SELECT a.application_name AS name, coalesce(host(a.client_addr), 'local') AS address,
                to_char(a.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS since
           FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0
            AND l.objid = (SELECT id FROM ${StateDatabase.identifier(location.schema)}.states WHERE name = $1)::oid
          LIMIT 1`,
        ['default'],
      );
    } catch {
      return undefined;
    }
    const [row] = rows;
    if (!row) return undefined;
    return `${row.name || 'an unnamed client'} from ${row.address}${row.since ? `, since ${row.since} UTC` : ''}`;
  }
  const who = /^\s*Who:\s*(.+)$/m.exec(log)?.[1]?.trim();
  const operation = /^\s*Operation:\s*(.+)$/m.exec(log)?.[1]?.trim();
  const created = /^\s*Created:\s*(.+)$/m.exec(log)?.[1]?.trim();
  if (!who) return undefined;
  return `${who}${operation ? ` (${operation})` : ''}${created ? `, since ${created}` : ''}`;
}
