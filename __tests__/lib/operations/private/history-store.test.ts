import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  History,
  HISTORY_FILE,
  HistoryRecord,
} from '../../../../lib/operations/private/history-store';
import { StateDatabase } from '../../../../lib/operations/private/state-database';
import { releaseId } from '../../../../lib/private/release';

const ref = (repository: string, c: string) =>
  `127.0.0.1:5000/${repository}@sha256:${c.repeat(64)}`;
/** A release of the web and api images, by the digits of their digests. */
const release = (web: string, api = '0') => ({ web: ref('web', web), api: ref('api', api) });

describe('History, in a local state folder', () => {
  let dir = '';
  let history: History;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'history-'));
    history = History.of({ backend: 'local', directory: dir }, new StateDatabase('history test'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('a deploy writes a record as it starts and one as it ends, appended as JSON lines', async () => {
    const id = await history.started({
      environment: 'dev',
      release: release('a'),
      from: 'image',
      run: 'r1',
    });
    await history.finished(id, 'dev', 'verified');
    const lines = readFileSync(join(dir, HISTORY_FILE), 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as HistoryRecord).event)).toEqual([
      'started',
      'finished',
    ]);
    expect(await history.deployments()).toEqual([
      {
        id,
        environment: 'dev',
        release: release('a'),
        releaseId: releaseId(release('a')),
        from: 'image',
        run: 'r1',
        started: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        ended: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        outcome: 'verified',
      },
    ]);
  });

  test('a failure keeps its outcome and what failed; an approval is kept with the deploy', async () => {
    const id = await history.started({
      environment: 'prod',
      release: release('b'),
      from: 'staging',
      run: 'r2',
      approval: `sha256:${'b'.repeat(64)} # approved by ana`,
    });
    await history.finished(id, 'prod', 'smoke test failed', "smoke test 'web/' failed: status 500");
    expect(await history.deployments()).toMatchObject([
      {
        outcome: 'smoke test failed',
        detail: "smoke test 'web/' failed: status 500",
        approval: `sha256:${'b'.repeat(64)} # approved by ana`,
      },
    ]);
  });

  test('a deploy with no end: running while its process lives, interrupted once it is gone or a later one started', async () => {
    await history.started({ environment: 'dev', release: release('a'), from: 'image', run: 'r' });
    expect((await history.deployments()).map((d) => d.outcome)).toEqual(['running']);
    const dead: HistoryRecord = {
      event: 'started',
      id: 'killed',
      environment: 'staging',
      release: release('c'),
      from: 'dev',
      run: 'r',
      at: new Date().toISOString(),
      host: hostname(),
      pid: 2 ** 22 + 1, // above any pid this machine hands out
    };
    appendFileSync(join(dir, HISTORY_FILE), `${JSON.stringify(dead)}\n`);
    await history.started({ environment: 'dev', release: release('b'), from: 'image', run: 'r' });
    expect((await history.deployments()).map((d) => [d.environment, d.outcome])).toEqual([
      ['dev', 'interrupted'],
      ['staging', 'interrupted'],
      ['dev', 'running'],
    ]);
  });

  test('a line cut short by a crash mid-write is skipped; the rest reads', async () => {
    const id = await history.started({
      environment: 'dev',
      release: release('a'),
      from: 'image',
      run: 'r',
    });
    appendFileSync(join(dir, HISTORY_FILE), '{"event":"fini');
    appendFileSync(join(dir, HISTORY_FILE), '\n');
    await history.finished(id, 'dev', 'verified');
    expect((await history.deployments()).map((d) => d.outcome)).toEqual(['verified']);
  });

  test('merge adds only the records it lacks, so that it can run again', async () => {
    const id = await history.started({
      environment: 'dev',
      release: release('a'),
      from: 'image',
      run: 'r',
    });
    const other = History.of(
      { backend: 'local', directory: join(dir, 'other') },
      new StateDatabase('history test'),
    );
    expect(await other.merge(await history.records())).toBe(1);
    await history.finished(id, 'dev', 'verified');
    expect(await other.merge(await history.records())).toBe(1);
    expect(await other.merge(await history.records())).toBe(0);
    expect(await other.deployments()).toEqual(await history.deployments());
  });

  test("each deploy says which images changed since the environment's deploy before", async () => {
    for (const [environment, web, api] of [
      ['dev', 'a', '1'],
      ['staging', 'a', '1'],
      ['dev', 'a', '2'],
      ['dev', 'b', '3'],
      ['dev', 'b', '3'],
    ]) {
      const id = await history.started({
        environment,
        release: release(web, api),
        from: 'x',
        run: 'r',
      });
      await history.finished(id, environment, 'verified');
    }
    expect((await history.deployments()).map((d) => [d.environment, d.changed])).toEqual([
      ['dev', undefined],
      ['staging', undefined],
      ['dev', ['api']],
      ['dev', ['api', 'web']],
      ['dev', []],
    ]);
  });

  test('records of deploys before releases had several images read as a release of one image', async () => {
    const old = {
      event: 'started',
      id: 'old',
      environment: 'dev',
      image: ref('sample-service', 'a'),
      from: 'image',
      run: 'r',
      at: new Date().toISOString(),
      host: hostname(),
      pid: 2 ** 22 + 1,
    };
    appendFileSync(join(dir, HISTORY_FILE), `${JSON.stringify(old)}\n`);
    expect(await history.deployments()).toMatchObject([
      {
        release: { app: ref('sample-service', 'a') },
        releaseId: releaseId({ app: ref('sample-service', 'a') }),
        outcome: 'interrupted',
      },
    ]);
  });
});
