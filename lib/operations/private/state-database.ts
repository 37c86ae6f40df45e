import type * as Pg from 'pg';

import { OperationError } from './operation-error';

type Driver = typeof Pg;
let driver: Driver | undefined;

/** The PostgreSQL client, loaded on first use: a command on local state never loads it. */
function pg(): Driver {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (driver ??= require('pg') as Driver);
}

/** What to set when the state database cannot be reached. */
const CONNECTION_FIX =
  'Start the state database, or set PG_CONN_STR (or PGHOST, PGUSER, ...) to one that answers.';

/**
 * The PostgreSQL database that holds a delivery's state and history, reached with the `pg`
 * driver: one connection per command, opened on the first query and closed with {@link close}.
 * Every value goes to the server as a query parameter; identifiers (a stage's schema, the
 * history's table) are quoted by the driver.
 */
export class StateDatabase {
  private client?: Promise<Pg.Client>;
  /** The statement before the next one: statements run one after the other. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    /**
     * Who this client is, shown by PostgreSQL for its session (e.g. who holds a lock).
     */
    private readonly applicationName: string,
    /** The environment with `PG_CONN_STR` or the libpq variables (`PGHOST`, `PGUSER`, ...). */
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** The rows of one statement; `values` are its `$1`, `$2`, ... parameters. */
  public query<R extends object>(text: string, values: readonly unknown[] = []): Promise<R[]> {
    // One statement at a time on the one connection, in the order asked.
    const result = this.queue.then(() => this.run<R>(text, values));
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private async run<R extends object>(text: string, values: readonly unknown[]): Promise<R[]> {
    const client = await this.connect();
    try {
      return (await client.query(text, [...values])).rows as R[];
    } catch (error) {
      throw new OperationError(
        `the state database failed: ${messageOf(error)}`,
        'Check that the role in PG_CONN_STR may read and write the state schemas.',
      );
    }
  }

  /** Closes the connection, when one was opened. */
  public async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    try {
      await (await client).end();
    } catch {
      // It never connected: nothing to close.
    }
  }

  /** A quoted identifier (a schema or table name), as the driver quotes it. */
  public static identifier(name: string): string {
    return pg().escapeIdentifier(name);
  }

  private connect(): Promise<Pg.Client> {
    this.client ??= (async () => {
      const connectionString = this.env.PG_CONN_STR || undefined;
      if (connectionString !== undefined && !/^postgres(ql)?:\/\//.test(connectionString)) {
        throw new OperationError(
          'PG_CONN_STR is not a postgres:// URL.',
          'Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE (add ?sslmode=disable for a server without TLS), or leave it unset and use the libpq variables PGHOST, PGUSER, PGPASSWORD, PGDATABASE.',
        );
      }
      const client = new (pg().Client)({
        connectionString,
        application_name: this.applicationName.slice(0, 63),
      });
      // A connection that breaks later fails the query that uses it; this keeps it from
      // crashing the process.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        throw new OperationError(`the state database failed: ${messageOf(error)}`, CONNECTION_FIX);
      }
      return client;
    })();
    const connecting = this.client;
    // A failed connection is tried again by the next query.
    connecting.catch(() => {
      if (this.client === connecting) this.client = undefined;
    });
    return connecting;
  }
}

/** An error's message; an AggregateError (every address refused) by its first cause. */
function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}
