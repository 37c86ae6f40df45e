/**
 * PostgreSQL state, for real: the project's own PostgreSQL (started by scripts/setup with
 * PIPELINE_STATE=pg), two copies of this project as two clones of a team, real deploys, real
 * concurrent processes, a real SIGKILL. The tests build on each other and run in order; afterAll
 * destroys everything, pass or fail.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

import { Client } from 'pg';

import { Release } from '../../lib';
import { Deployment, PlanResult, StatusView } from '../../lib/operations';
import { docker, expectSuccess, httpGet, sh, until } from '../helpers/cli';
import {
  engineObjectsOf,
  enterLane,
  laneNames,
  laneRepository,
  LANES,
  laneUrl,
  clearEngineFix,
  runningEnvironments,
} from '../helpers/lane';
import { escape, lastLines } from '../helpers/output';
import { giveApiSecret, pipelineEnv, projectCopy, start } from '../helpers/project-copy';

jest.setTimeout(15 * 60 * 1000);

/** This suite's lane: it runs beside the other suites on one engine. */
const LANE = LANES.postgres;
const URLS = { dev: laneUrl(LANE, 8080), staging: laneUrl(LANE, 8180) };
const HEALTHY = { status: 200, body: 'ok web (upstream: ok api )\n' };
const REVIEW = 'pg';
/** The value of api's secret once the delivery has one (the last two tests). */
const TOKEN = `pg-token-${process.pid}-${Date.now()}-secret`;
const DOCKER_NAMES = laneNames(LANE, ['dev', 'staging', 'prod', `review-${REVIEW}`]);

let a = '';
let b = '';
let env: NodeJS.ProcessEnv = {};
let before: { containers: string[]; networks: string[] } | undefined;

/**
 * A folder with a `psql` that fails, first on the PATH of the package's commands: they reach
 * PostgreSQL through their own client, and never through psql.
 */
let noPsql = '';

/** The environment of the package's commands: the suite's, with the failing psql first. */
function cliEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const merged = { ...env, ...extra };
  return { ...merged, PATH: [noPsql, merged.PATH ?? process.env.PATH].join(delimiter) };
}

/** The CLI in a copy, with the PostgreSQL state environment. */
function cli(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  return sh(join(dir, 'node_modules', '.bin', 'cdktf-pipeline'), args, cliEnv(extra), dir);
}

/** `history --json` read in a copy: every deploy, newest first. */
async function historyIn(dir: string, extra: NodeJS.ProcessEnv = {}): Promise<Deployment[]> {
  const result = await cli(dir, ['history', '--json'], extra);
  expectSuccess(result);
  return JSON.parse(result.output) as Deployment[];
}

/** The promotion history's table, beside the state schemas. */
const HISTORY_TABLE = 'public.cdktf_pipeline_history';

function startCli(dir: string, args: readonly string[], extra: NodeJS.ProcessEnv = {}) {
  return start(join(dir, 'node_modules', '.bin', 'cdktf-pipeline'), args, cliEnv(extra), dir);
}

/** The suite's own connection to the state database, for what it checks there. */
let database: Client | undefined;

/** One statement against the state database: its rows. */
async function query<R extends object>(text: string, values: unknown[] = []): Promise<R[]> {
  if (!database) {
    const client = new Client({ connectionString: env.PG_CONN_STR });
    // A server stopped on purpose ends the session: the next query connects again.
    client.on('error', () => {
      if (database === client) database = undefined;
    });
    await client.connect();
    database = client;
  }
  return (await database.query<R & Record<string, unknown>>(text, values)).rows;
}

/** The state schemas in the database, by name. */
async function stateSchemas(): Promise<string[]> {
  const rows = await query<{ schema: string }>(
    "SELECT nspname AS schema FROM pg_namespace WHERE starts_with(nspname, 'cdktf_pipeline_') ORDER BY 1",
  );
  return rows.map((r) => r.schema);
}

/** The state a stage's schema holds, as text. */
async function stateText(schema: string): Promise<string> {
  const [row] = await query<{ data: string }>(
    `SELECT data FROM "${schema}".states WHERE name = $1`,
    ['default'],
  );
  return row?.data ?? '';
}

/** The verified release a stage's state in PostgreSQL holds (each image by digest). */
async function verifiedRelease(stage: string): Promise<Release | undefined> {
  const data = await stateText(`cdktf_pipeline_${stage}`);
  const state = JSON.parse(data) as { outputs: Record<string, { value: Release }> };
  return state.outputs.verified_release?.value;
}

/** Whether some session holds the state lock of a stage (the advisory lock on its row). */
async function locked(stage: string): Promise<boolean> {
  const [row] = await query<{ count: string }>(
    `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = (SELECT id FROM "cdktf_pipeline_${stage}".states WHERE name = $1)::oid`,
    ['default'],
  );
  return row?.count !== '0';
}

/** Drops every state schema and the history table. */
async function dropEverything(): Promise<void> {
  for (const schema of await stateSchemas()) await query(`DROP SCHEMA "${schema}" CASCADE`);
  await query(`DROP TABLE IF EXISTS ${HISTORY_TABLE}`);
}

/** What `plan STAGES --json` found: its exit code, and each stage's resources to add, change, destroy. */
interface Planned {
  readonly code: number;
  readonly stacks: Record<string, [number, number, number]>;
}

/** `plan STAGES --json` in clone a, review-pg among the stacks. */
async function changesPlanned(
  stages: readonly string[],
  extra: NodeJS.ProcessEnv = {},
): Promise<Planned> {
  const result = await cli(a, ['plan', ...stages, '--json'], {
    ...extra,
    PIPELINE_REVIEW_IDS: REVIEW,
  });
  if (result.code !== 0 && result.code !== 2) expectSuccess(result);
  // The JSON on standard output comes first; the progress lines on standard error follow it.
  const json = /^\{\n[\s\S]*?\n\}\n/.exec(result.output);
  if (!json) throw new Error(`plan --json printed no JSON:\n${result.output}`);
  const planned = JSON.parse(json[0]) as PlanResult;
  return {
    code: result.code,
    stacks: Object.fromEntries(
      planned.stacks.map((p) => [
        p.stack,
        [p.add, p.change, p.destroy] as [number, number, number],
      ]),
    ),
  };
}

/** What {@link changesPlanned} finds when a deploy of no stage would change anything. */
function noChanges(stages: readonly string[]): Planned {
  return { code: 0, stacks: Object.fromEntries(stages.map((s) => [s, [0, 0, 0]])) };
}

/** Changes dev's greeting in a copy: a change that replaces dev's web container. */
function setGreeting(dir: string, stack: 'dev' | 'staging', greeting: string): void {
  const file = join(dir, 'environments', `${stack}.ts`);
  writeFileSync(
    file,
    readFileSync(file, 'utf8').replace(/GREETING: '[^']*'/, `GREETING: '${greeting}'`),
  );
}

async function greetingOf(stack: string): Promise<string> {
  const env = await docker(
    'inspect',
    '--format',
    '{{json .Config.Env}}',
    `${LANE.namePrefix}${stack}-web-0`,
  );
  return ((JSON.parse(env) as string[]).find((e) => e.startsWith('GREETING=')) ?? '').slice(9);
}

/** Every file under a folder. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

beforeAll(async () => {
  noPsql = mkdtempSync(join(tmpdir(), 'no-psql-'));
  writeFileSync(
    join(noPsql, 'psql'),
    '#!/bin/sh\necho "psql was called: the package reaches PostgreSQL with its own client" >&2\nexit 99\n',
  );
  chmodSync(join(noPsql, 'psql'), 0o755);
  a = await projectCopy('pg-clone-a-');
  b = await projectCopy('pg-clone-b-');
  let laneEnv: NodeJS.ProcessEnv = {};
  for (const dir of [a, b]) {
    laneEnv = enterLane(dir, LANE);
    expectSuccess(await sh('scripts/setup', [], { PIPELINE_STATE: 'pg' }, dir));
  }
  env = { ...pipelineEnv(a), ...laneEnv, PIPELINE_REVIEW_IDS: '' };
  expect(env.PIPELINE_STATE).toBe('pg');
  expect(env.PG_CONN_STR).toMatch(
    /^postgres:\/\/cdktf_pipeline:\w+@127\.0\.0\.1:\d+\/cdktf_pipeline/,
  );
  // A destroyed stack leaves an empty state behind: only states with resources count.
  const deployed: string[] = [];
  for (const schema of await stateSchemas()) {
    const data = await stateText(schema);
    const resources =
      data === '' ? [] : ((JSON.parse(data) as { resources?: unknown[] }).resources ?? []);
    if (resources.length > 0) deployed.push(schema);
  }
  const running = await runningEnvironments(DOCKER_NAMES);
  if (deployed.length > 0 || running.length > 0) {
    throw new Error(
      `PostgreSQL already holds deployed pipeline state (${deployed.join(', ') || 'none'}) or the engine runs containers of this suite's environments (${running.join(', ') || 'none'}); with PIPELINE_STATE=pg, ${clearEngineFix(running)}`,
    );
  }
  await dropEverything();
  before = await engineObjectsOf(DOCKER_NAMES);
});

afterAll(async () => {
  if (!before) {
    await database?.end();
    return;
  }
  // Wherever a failed test left the state: PostgreSQL, or local files after a migration.
  const failed: string[] = [];
  for (const store of ['pg', 'local']) {
    const down = await cli(a, ['teardown', '--yes'], { PIPELINE_STATE: store });
    if (down.code !== 0) failed.push(`teardown (${store}) failed:\n${down.output}`);
  }
  await dropEverything();
  await database?.end();
  // The clones, and the secrets folder of the last test (teardown above read it).
  for (const dir of [a, b, noPsql, env.PIPELINE_SECRETS_DIR]) {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  expect(failed).toEqual([]);
  expect(await engineObjectsOf(DOCKER_NAMES)).toEqual(before);
});

describe('state in PostgreSQL', () => {
  let release: Release = {};

  test('the pipeline: image, dev, staging, approval, prod and a review environment, with no state file and no credential in any file', async () => {
    expectSuccess(await cli(a, ['deploy', 'image', 'dev', 'staging']));
    expectSuccess(await cli(a, ['approve', 'prod', '--from', 'staging']));
    expectSuccess(await cli(a, ['deploy', 'prod']));
    expectSuccess(await cli(a, ['deploy', `review-${REVIEW}`]));
    release = (await verifiedRelease('image')) ?? {};
    expect(release).toEqual(
      Object.fromEntries(
        (['api', 'web'] as const).map((image) => [
          image,
          expect.stringMatching(
            new RegExp(`^127\\.0\\.0\\.1:5000/${laneRepository(LANE, image)}@sha256:[0-9a-f]{64}$`),
          ),
        ]),
      ),
    );
    for (const stage of ['dev', 'staging', 'prod', `review-${REVIEW}`]) {
      expect(await verifiedRelease(stage)).toEqual(release);
    }
    for (const url of Object.values(URLS)) {
      expect(await httpGet(`${url}/cgi-bin/health`)).toEqual(HEALTHY);
    }
    // The other clone sees the same state: what runs, and what it verified.
    expect(await cli(b, ['check', 'staging'])).toMatchObject({ code: 0 });
    // And the same history, in the database beside the state: every deploy, newest first.
    const deploys = await historyIn(b);
    expect(deploys.map((d) => [d.environment, d.from, d.release, d.outcome])).toEqual(
      ['review-pg', 'prod', 'staging', 'dev'].map((e) => [
        e,
        { 'review-pg': 'image', prod: 'staging', staging: 'dev', dev: 'image' }[e],
        release,
        'verified',
      ]),
    );
    expect(await historyIn(a)).toEqual(deploys);
    expect(await query(`SELECT count(*) FROM ${HISTORY_TABLE}`)).toEqual([{ count: '8' }]);
    expect(existsSync(join(a, '.pipeline', 'state'))).toBe(false);
    const password = new URL(env.PG_CONN_STR ?? '').password;
    for (const file of [...filesUnder(join(a, '.pipeline')), join(a, '.gitlab-ci.yml')]) {
      expect({ file, leaks: readFileSync(file, 'utf8').includes(password) }).toEqual({
        file,
        leaks: false,
      });
    }
  });

  test('two clones deploy dev at the same moment: one deploys, the other waits for the lock and fails naming the holder', async () => {
    for (const dir of [a, b]) setGreeting(dir, 'dev', 'hello from two clones');
    const lock = { PIPELINE_LOCK_TIMEOUT: '2s' };
    const [first, second] = [
      startCli(a, ['deploy', 'dev'], lock),
      startCli(b, ['deploy', 'dev'], lock),
    ];
    const results = await Promise.all([first.result, second.result]);
    const won = results.findIndex((r) => r.code === 0);
    expect(won).toBeGreaterThanOrEqual(0);
    const lost = results[1 - won];
    const winner = [first, second][won];
    expect(lost.code).toBe(1);
    expect(lost.output).toMatch(
      new RegExp(
        `\\[deploy\\] error: deploy dev did not start: the state of dev \\(PostgreSQL schema cdktf_pipeline_dev\\) is locked by deploy dev by \\S+ \\(pid ${winner.pid}\\) from 127\\.0\\.0\\.1, since [\\d-]+ [\\d:]+ UTC; waited 2s\\. Nothing was changed\\.\\n`,
      ),
    );
    expect(await greetingOf('dev')).toBe('hello from two clones');
    // No half-applied mix: the state matches what runs.
    expect((await cli(a, ['deploy', 'dev'])).output).toMatch(/deployed dev in \d+s, no changes/);
    expect(await httpGet(`${URLS.dev}/cgi-bin/health`)).toEqual(HEALTHY);
  });

  test('two deploys of dev from one clone: the second waits, fails naming the first, and keeps its own log', async () => {
    setGreeting(a, 'dev', 'hello from one clone');
    const lock = { PIPELINE_LOCK_TIMEOUT: '2s' };
    const [first, second] = [
      startCli(a, ['deploy', 'dev'], lock),
      startCli(a, ['deploy', 'dev'], lock),
    ];
    const results = await Promise.all([first.result, second.result]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    const won = results.findIndex((r) => r.code === 0);
    const [winner, loser] = [[first, second][won], [first, second][1 - won]];
    const user = execFileSync('whoami', { encoding: 'utf8' }).trim();
    const logs = join(a, '.pipeline', 'logs');
    expect(results[1 - won].output).toMatch(
      lastLines(
        new RegExp(
          `\\[deploy\\] error: deploy dev did not start: the state of dev \\(PostgreSQL schema cdktf_pipeline_dev\\) is locked by deploy dev by ${escape(user)}@\\S+ \\(pid ${winner.pid}\\) from 127\\.0\\.0\\.1, since [\\d-]+ [\\d:]+ UTC; waited 2s\\. Nothing was changed\\.`,
        ),
        /\[deploy\] fix: Run it again once that one has finished, or wait longer with PIPELINE_LOCK_TIMEOUT \(e\.g\. 10m\)\. The full log is (\S+)\./,
      ),
    );
    // Each kept its own log: the refused one names a file of its own, which holds the lock
    // error; the other's holds its apply, untouched by the refused one.
    const loserLog = /The full log is (\S+)\.\n?$/.exec(results[1 - won].output)?.[1] ?? '';
    const winnerLog = [
      join(logs, 'deploy-dev.log'),
      join(logs, `deploy-dev.${winner.pid}.log`),
    ].filter((file) => file !== join(a, loserLog) && existsSync(file));
    expect({ loser: loserLog, winners: winnerLog.length }).toEqual({
      loser: expect.stringMatching(
        new RegExp(`^\\.pipeline/logs/deploy-dev(\\.${loser.pid})?\\.log$`),
      ),
      winners: 1,
    });
    expect(readFileSync(join(a, loserLog), 'utf8')).toMatch(/Error acquiring the state lock/);
    const winnerText = readFileSync(winnerLog[0], 'utf8');
    expect(winnerText).toMatch(/Apply complete!/);
    expect(winnerText).not.toMatch(/Error acquiring the state lock/);
    expect(await greetingOf('dev')).toBe('hello from one clone');
  });

  test('dev and staging deployed at once from one clone do not disturb each other', async () => {
    setGreeting(a, 'dev', 'hello, dev, in parallel');
    setGreeting(a, 'staging', 'hello, staging, in parallel');
    const results = await Promise.all([
      startCli(a, ['deploy', 'dev']).result,
      startCli(a, ['deploy', 'staging']).result,
    ]);
    for (const result of results) expectSuccess(result);
    expect(await greetingOf('dev')).toBe('hello, dev, in parallel');
    expect(await greetingOf('staging')).toBe('hello, staging, in parallel');
    expect(await verifiedRelease('staging')).toEqual(release);
  });

  test('a deploy killed with SIGKILL while it holds the lock does not block the next one', async () => {
    setGreeting(a, 'dev', 'hello after a crash');
    const doomed = startCli(a, ['deploy', 'dev']);
    await until("the deploy to take dev's lock", () => locked('dev'), 60);
    process.kill(-doomed.pid, 'SIGKILL');
    expect((await doomed.result).code).not.toBe(0);
    const next = await cli(a, ['deploy', 'dev'], { PIPELINE_LOCK_TIMEOUT: '5s' });
    expectSuccess(next);
    expect(await greetingOf('dev')).toBe('hello after a crash');
    expect(await verifiedRelease('dev')).toEqual(release);
  });

  test('migrate-state moves every stage to local files and back: no diff, same digests; it refuses a locked stage and a stage the target holds', async () => {
    const stages = ['image', 'dev', 'staging', 'prod', `review-${REVIEW}`];
    const digests: Record<string, Release | undefined> = {};
    for (const stage of stages) digests[stage] = await verifiedRelease(stage);
    const deploys = await historyIn(a);

    // A session holding dev's lock, then idle: nothing moves.
    const holder = new Client({
      connectionString: env.PG_CONN_STR,
      application_name: 'holding the dev lock',
    });
    await holder.connect();
    await holder.query(
      `SELECT pg_advisory_lock(id) FROM "cdktf_pipeline_dev".states WHERE name = $1`,
      ['default'],
    );
    expect(await locked('dev')).toBe(true);
    const refused = await cli(a, ['migrate-state', '--to', 'local']);
    await holder.end();
    // The server releases a closed session's locks at once.
    expect(await locked('dev')).toBe(false);
    expect(refused).toEqual({
      code: 1,
      output: expect.stringMatching(
        /^\[migrate-state\] error: not moving any state to local:\n {2}- dev: its pg state is locked by holding the dev lock from 127\.0\.0\.1, since [\d-]+ [\d:]+ UTC\n\[migrate-state\] fix: Wait for running deploys to finish; a stage the target already holds was moved before: remove one of the two copies by hand after comparing them\.\n$/,
      ),
    });

    const moved = await cli(a, ['migrate-state', '--to', 'local']);
    expectSuccess(moved);
    expect(moved.output).toContain('moved 5 stage(s) to local');
    const local = { ...env, PIPELINE_STATE: 'local' };
    for (const stage of stages) {
      expect(existsSync(join(a, '.pipeline', 'state', `${stage}.tfstate`))).toBe(true);
    }
    expect(await changesPlanned(stages, { PIPELINE_STATE: 'local' })).toEqual(noChanges(stages));
    expect(await stateSchemas()).toEqual([]);
    // The history went with the state: read from the local file, it is the same.
    expect(moved.output).toMatch(
      /copied \d+ history record\(s\): PostgreSQL table cdktf_pipeline_history → /,
    );
    expect(await historyIn(a, local)).toEqual(deploys);

    // Back into PostgreSQL; a stage the target already holds is refused, and nothing moves.
    const devFile = join(a, '.pipeline', 'state', 'dev.tfstate');
    const devState = readFileSync(devFile, 'utf8');
    expectSuccess(await cli(a, ['migrate-state', '--to', 'pg']));
    writeFileSync(devFile, devState);
    expect(await cli(a, ['migrate-state', '--to', 'pg'])).toEqual({
      code: 1,
      output:
        '[migrate-state] error: not moving any state to pg:\n  - dev: the target already holds it (PostgreSQL schema cdktf_pipeline_dev)\n' +
        '[migrate-state] fix: Wait for running deploys to finish; a stage the target already holds was moved before: remove one of the two copies by hand after comparing them.\n',
    });
    rmSync(devFile);
    expect(await historyIn(a)).toEqual(deploys);
    for (const stage of stages) expect(await verifiedRelease(stage)).toEqual(digests[stage]);
    expect(await changesPlanned(stages)).toEqual(noChanges(stages));
    // The cdktf CLI, on the state in PostgreSQL, agrees.
    const diff = await sh('npx', ['cdktf', 'diff', 'dev', '--skip-provider-lock'], env, a);
    expect({ code: diff.code, noChanges: /No changes\./.test(diff.output) }).toEqual({
      code: 0,
      noChanges: true,
    });
  });

  test('the state database down: a deploy is refused naming it, and what runs keeps serving', async () => {
    const data = join(env.CDKTF_PIPELINE_HOME ?? '', 'postgres', 'data');
    const pgCtl = (
      await sh('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'])
    ).output.trim();
    const asPostgres = [
      '--user',
      '--map-user=1000',
      '--map-group=1000',
      join(pgCtl, 'pg_ctl'),
      '-D',
      data,
      '-w',
    ];
    await database?.end();
    database = undefined;
    expectSuccess(await sh('unshare', [...asPostgres, '-m', 'fast', 'stop']));
    try {
      const refused = await cli(a, ['deploy', 'staging']);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(
        /^\[deploy\] error: the state database failed: connect ECONNREFUSED 127\.0\.0\.1:\d+\n\[deploy\] fix: Start the state database, or set PG_CONN_STR \(or PGHOST, PGUSER, \.\.\.\) to one that answers\.\n$/,
      );
      expect(await httpGet(`${URLS.staging}/cgi-bin/health`)).toEqual(HEALTHY);
    } finally {
      expectSuccess(await sh('scripts/setup', [], { PIPELINE_STATE: 'pg' }, a));
    }
    expectSuccess(await cli(a, ['check', 'staging']));
  });

  test("with a secret, every stage's state in PostgreSQL is encrypted on the next deploy, and no row holds the value", async () => {
    const token = TOKEN;
    const secrets = mkdtempSync(join(tmpdir(), 'pg-secrets-'));
    writeFileSync(join(secrets, 'dev.env'), `API_TOKEN=${token}\n`);
    writeFileSync(join(secrets, 'state.passphrase'), `pg-passphrase-${process.pid}-0123456789\n`);
    // From here on (teardown too) the clone reads its secrets and passphrase from there.
    env = { ...env, PIPELINE_SECRETS_DIR: secrets };
    giveApiSecret(a);
    const deployed = await cli(a, ['deploy', 'dev']);
    expectSuccess(deployed);
    for (const stage of ['image', 'dev', 'staging', 'prod', `review-${REVIEW}`]) {
      expect(deployed.output).toContain(
        `[deploy] encrypting the state of ${stage} (PostgreSQL schema cdktf_pipeline_${stage}), written in plain text\n`,
      );
      const row = await stateText(`cdktf_pipeline_${stage}`);
      expect(Object.keys(JSON.parse(row) as object)).toContain('encrypted_data');
    }
    // No row of any stage's state, and no record of the history, holds the value.
    const stages = ['image', 'dev', 'staging', 'prod', `review-${REVIEW}`];
    const states = await query<{ data: string }>(
      stages.map((s) => `SELECT data FROM "cdktf_pipeline_${s}".states`).join(' UNION ALL '),
    );
    expect(states.length).toBe(stages.length);
    expect(states.filter((row) => row.data.includes(token))).toEqual([]);
    const history = await query<{ record: string }>(
      `SELECT to_jsonb(h)::text AS record FROM ${HISTORY_TABLE} h`,
    );
    expect(history.length).toBeGreaterThan(0);
    expect(history.filter((row) => row.record.includes(token))).toEqual([]);
    expect((await httpGet(`${URLS.dev}/cgi-bin/health`)).body).toContain('secret API_TOKEN ');

    const wrong = await cli(a, ['check', 'dev'], {
      TF_VAR_state_passphrase: 'wrong-passphrase-0123456789',
    });
    expect(wrong).toEqual({
      code: 1,
      output:
        `[check] error: the state at PostgreSQL schema cdktf_pipeline_dev is encrypted, and the passphrase given (TF_VAR_state_passphrase, else ${join(secrets, 'state.passphrase')}) does not decrypt it. Nothing was changed.\n` +
        '[check] fix: Give the passphrase this state was encrypted with.\n',
    });
    const again = await cli(a, ['deploy', 'dev']);
    expectSuccess(again);
    expect(again.output).toMatch(/\[deploy\] deployed dev in \d+s, no changes: /);
  });
  test('encrypted state moves to local files and back: encrypted on both sides; status, a redeploy and drift agree after each move; the secret is in no file and no output', async () => {
    const stages = ['image', 'dev', 'staging', 'prod', `review-${REVIEW}`];
    const printed: string[] = [];
    const run = async (args: readonly string[], extra: NodeJS.ProcessEnv = {}) => {
      const result = await cli(a, args, extra);
      printed.push(result.output);
      return result;
    };
    /** The release of the image stage, and what each environment verified, as status shows them. */
    const releases = async (
      extra: NodeJS.ProcessEnv,
    ): Promise<Record<string, Release | undefined>> => {
      const status = await run(['status', '--json'], extra);
      expectSuccess(status);
      const view = JSON.parse(status.output) as StatusView;
      return {
        image: view.release,
        ...Object.fromEntries(
          view.environments.map((e) => [e.environment, e.verified ? e.verifiedRelease : undefined]),
        ),
      };
    };
    const released = await releases({});
    expect(released.dev).toEqual(released.image);
    /** status shows every release as before, a redeploy of dev changes nothing, no drift. */
    const agree = async (extra: NodeJS.ProcessEnv) => {
      expect(await releases(extra)).toEqual(released);
      const redeploy = await run(['deploy', 'dev'], extra);
      expectSuccess(redeploy);
      expect(redeploy.output).toMatch(/\[deploy\] deployed dev in \d+s, no changes: /);
      expect((await run(['drift', 'dev'], extra)).code).toBe(0);
    };

    const local = { PIPELINE_STATE: 'local' };
    const toLocal = await run(['migrate-state', '--to', 'local']);
    expectSuccess(toLocal);
    for (const stage of stages) {
      expect(toLocal.output).toContain(
        `[migrate-state] moved ${stage}: PostgreSQL schema cdktf_pipeline_${stage} → .pipeline/state/${stage}.tfstate, encrypted`,
      );
      const file = JSON.parse(
        readFileSync(join(a, '.pipeline', 'state', `${stage}.tfstate`), 'utf8'),
      ) as object;
      expect(Object.keys(file).sort()).toEqual([
        'encrypted_data',
        'encryption_version',
        'lineage',
        'meta',
        'serial',
      ]);
    }
    expect(toLocal.output).toContain('[migrate-state] moved 5 stage(s) to local');
    expect(await stateSchemas()).toEqual([]);
    await agree(local);

    const toPg = await run(['migrate-state', '--to', 'pg']);
    expectSuccess(toPg);
    expect(toPg.output).toContain('[migrate-state] moved 5 stage(s) to pg');
    for (const stage of stages) {
      expect(existsSync(join(a, '.pipeline', 'state', `${stage}.tfstate`))).toBe(false);
      const row = await stateText(`cdktf_pipeline_${stage}`);
      expect(Object.keys(JSON.parse(row) as object)).toContain('encrypted_data');
    }
    await agree({});

    // Not in the clone (its state, the backups the moves kept, logs), not in any output.
    expect(filesUnder(a).filter((f) => readFileSync(f, 'latin1').includes(TOKEN))).toEqual([]);
    expect(printed.filter((o) => o.includes(TOKEN))).toEqual([]);
  });
});
