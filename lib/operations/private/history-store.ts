import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

import { isAlive } from '../../private/process';
import { changedImages, Release, releaseId, SINGLE_IMAGE } from '../../private/release';
import { StateStoreManifest } from '../../schema/delivery-manifest';

import { StateDatabase } from './state-database';

/** How a deploy of an environment ended. */
export type Outcome =
  'verified' | 'smoke test failed' | 'rolled back' | 'failed' | 'interrupted' | 'running';

/** The record a deploy writes as it starts. */
export interface StartedRecord {
  readonly event: 'started';
  /** The deploy's own id: its finished record carries the same. */
  readonly id: string;
  readonly environment: string;
  /** The release the deploy brings: each image's `<repository>@sha256:…`, by image name. */
  readonly release: Release;
  /** The stage that verified that release. */
  readonly from: string;
  /** The pipeline run that deployed it, or `by hand (<name>)`. */
  readonly run: string;
  /** ISO 8601, UTC. */
  readonly at: string;
  readonly host: string;
  readonly pid: number;
  /** For an environment that requires approval: the approval record's line for the release. */
  readonly approval?: string;
}

/** A started record as deploys before 0.7 wrote it: one image, no release. */
interface LegacyStartedRecord extends Omit<StartedRecord, 'release'> {
  readonly image: string;
}

/** The record a deploy writes as it ends (a killed deploy writes none). */
export interface FinishedRecord {
  readonly event: 'finished';
  readonly id: string;
  readonly environment: string;
  readonly at: string;
  readonly outcome: Exclude<Outcome, 'running'>;
  /** What failed, for a deploy that did not verify its release. */
  readonly detail?: string;
}

export type HistoryRecord = StartedRecord | FinishedRecord;

/** One deploy of an environment: its two records read together. */
export interface Deployment {
  /** The deploy's id, the same in its started and its finished record. */
  readonly id: string;
  /** The environment it deployed. */
  readonly environment: string;
  /** The release it brought: each image by digest, by image name. */
  readonly release: Release;
  /** The release's id (12 hex digits), as `status` shows it. */
  readonly releaseId: string;
  /**
   * The images whose digest differs from the release of the environment's deploy before; absent
   * for its first deploy.
   */
  readonly changed?: readonly string[];
  /** The stage that verified the release. */
  readonly from: string;
  /** The pipeline run that deployed it, or `by hand (<name>)`. */
  readonly run: string;
  /** When it started: ISO 8601, UTC. */
  readonly started: string;
  /** When it ended; absent while it runs, or when it was killed. */
  readonly ended?: string;
  /** How it ended; `running` while it runs, `interrupted` when it was killed. */
  readonly outcome: Outcome;
  /** For an environment that requires approval: the approval record's line for the release. */
  readonly approval?: string;
  /** For a deploy that did not verify: what failed. */
  readonly detail?: string;
}

/**
 * The promotion history of a delivery: every deploy of an environment, append-only, kept beside
 * the state in the same store, so that everyone who shares the state shares it. Local state keeps
 * it in `history.jsonl` in the state folder, one record a line; PostgreSQL state in the table
 * `<schema prefix>history`. A deploy writes a record as it starts and one as it ends: a deploy
 * that was killed has only the first, and reads as interrupted.
 */
export class History {
  /** The history of the deliveries that keep their state in `store`. */
  public static of(store: StateStoreManifest, database: StateDatabase): History {
    return new History(store, database);
  }

  private constructor(
    private readonly store: StateStoreManifest,
    private readonly database: StateDatabase,
  ) {}

  /** Where the history is, for messages. */
  public get location(): string {
    return this.store.backend === 'local'
      ? this.file
      : `PostgreSQL table ${this.store.schemaPrefix}history`;
  }

  /** Records that a deploy starts; returns its id. */
  public async started(
    record: Omit<StartedRecord, 'event' | 'id' | 'at' | 'host' | 'pid'>,
  ): Promise<string> {
    const id = randomUUID();
    await this.append({
      event: 'started',
      id,
      ...record,
      at: new Date().toISOString(),
      host: hostname(),
      pid: process.pid,
    });
    return id;
  }

  /** Records how the deploy `id` ended. */
  public async finished(
    id: string,
    environment: string,
    outcome: FinishedRecord['outcome'],
    detail?: string,
  ): Promise<void> {
    await this.append({
      event: 'finished',
      id,
      environment,
      at: new Date().toISOString(),
      outcome,
      ...(detail ? { detail } : {}),
    });
  }

  /** Every record, in the order written. */
  public async records(): Promise<HistoryRecord[]> {
    if (this.store.backend === 'local') {
      if (!existsSync(this.file)) return [];
      return readFileSync(this.file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as HistoryRecord];
          } catch {
            // A line cut short by a crash mid-write: the rest of the history still reads.
            return [];
          }
        });
    }
    const [table] = await this.database.query<{ exists: boolean }>(
      'SELECT to_regclass($1) IS NOT NULL AS exists',
      [this.tableName],
    );
    if (!table?.exists) return [];
    const rows = await this.database.query<{ record: HistoryRecord }>(
      `SELECT record FROM ${this.tableName} ORDER BY seq`,
    );
    return rows.map((r) => r.record);
  }

  /** Every deploy, oldest first. */
  public async deployments(): Promise<Deployment[]> {
    const records = await this.records();
    const finished = new Map<string, FinishedRecord>();
    for (const r of records) if (r.event === 'finished') finished.set(r.id, r);
    const starts = (records as readonly (HistoryRecord | LegacyStartedRecord)[])
      .filter((r): r is StartedRecord | LegacyStartedRecord => r.event === 'started')
      .map((r): StartedRecord =>
        'release' in r ? r : { ...r, release: { [SINGLE_IMAGE]: r.image } },
      );
    const before = new Map<string, Release>();
    return starts.map((s, i) => {
      const end = finished.get(s.id);
      const later = starts.slice(i + 1).some((n) => n.environment === s.environment);
      const outcome: Outcome =
        end?.outcome ??
        (!later && s.host === hostname() && isAlive(s.pid) ? 'running' : 'interrupted');
      const previous = before.get(s.environment);
      before.set(s.environment, s.release);
      return {
        id: s.id,
        environment: s.environment,
        release: s.release,
        releaseId: releaseId(s.release),
        ...(previous ? { changed: changedImages(previous, s.release) } : {}),
        from: s.from,
        run: s.run,
        started: s.at,
        ...(end ? { ended: end.at } : {}),
        outcome,
        ...(s.approval ? { approval: s.approval } : {}),
        ...(end?.detail ? { detail: end.detail } : {}),
      };
    });
  }

  /** Writes every record of `records` that this history does not hold yet (by id and event). */
  public async merge(records: readonly HistoryRecord[]): Promise<number> {
    const held = new Set((await this.records()).map((r) => `${r.id} ${r.event}`));
    const missing = records.filter((r) => !held.has(`${r.id} ${r.event}`));
    for (const r of missing) await this.append(r);
    return missing.length;
  }

  private get file(): string {
    return join(this.store.backend === 'local' ? this.store.directory : '', HISTORY_FILE);
  }

  /** The history's table, quoted: `public."<schema prefix>history"`. */
  private get tableName(): string {
    const table = `${this.store.backend === 'pg' ? this.store.schemaPrefix : ''}history`;
    return `public.${StateDatabase.identifier(table)}`;
  }

  private async append(record: HistoryRecord): Promise<void> {
    if (this.store.backend === 'local') {
      mkdirSync(dirname(this.file), { recursive: true });
      // One write of one line, opened for appending: records of parallel deploys never mix.
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
      return;
    }
    // Two first deploys at once may race to create the table: IF NOT EXISTS can still fail
    // for the loser, which then finds the table there.
    try {
      await this.database.query(
        `CREATE TABLE IF NOT EXISTS ${this.tableName} (seq bigserial PRIMARY KEY, record jsonb NOT NULL)`,
      );
    } catch {
      // the other deploy created it
    }
    await this.database.query(`INSERT INTO ${this.tableName} (record) VALUES ($1::jsonb)`, [
      JSON.stringify(record),
    ]);
  }
}

/** The file of a local history, in the state folder. */
export const HISTORY_FILE = 'history.jsonl';

/**
 * Who or what runs this deploy: the pipeline run the environment names (`PIPELINE_RUN_ID`, set by
 * `cdktf-pipeline run`; GitHub Actions; GitLab CI), or `by hand (<name>)`.
 */
export function currentRun(root: string): string {
  const env = process.env;
  if (env.PIPELINE_RUN_ID) return env.PIPELINE_RUN_ID;
  if (env.GITHUB_RUN_ID) return `github run ${env.GITHUB_RUN_ID}`;
  if (env.CI_PIPELINE_ID) return `gitlab pipeline ${env.CI_PIPELINE_ID}`;
  return `by hand (${personName(root)})`;
}

/** The person at this checkout: git's user.name, else the login name. */
export function personName(root: string): string {
  try {
    const name = execFileSync('git', ['-C', root, 'config', 'user.name'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    if (name) return name;
  } catch {
    // no git, or no user.name: fall back to the login name
  }
  return process.env.USER ?? 'unknown';
}
