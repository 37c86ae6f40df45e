import { Deployment } from '../../../../lib/operations/private/history-store';
import {
  historyTable,
  releaseStatus,
  statusMarkdown,
  StatusView,
  statusTable,
  verifiedSince,
} from '../../../../lib/operations/private/status-view';
import { Release, releaseId } from '../../../../lib/private/release';

const ref = (image: string, c: string) => `127.0.0.1:5000/${image}@sha256:${c.repeat(64)}`;
/** A release of web and api, by the digit of each image's digest. */
const release = (web: string, api: string): Release => ({
  web: ref('web', web),
  api: ref('api', api),
});
const R1 = release('a', '1');
const R2 = release('a', '2');

function deployment(
  environment: string,
  shipped: Release,
  outcome: Deployment['outcome'],
  at: string,
  changed?: string[],
): Deployment {
  return {
    id: `${environment}-${at}`,
    environment,
    release: shipped,
    releaseId: releaseId(shipped),
    ...(changed ? { changed } : {}),
    from: 'image',
    run: 'by hand (ana)',
    started: `2026-11-30T${at}:00.000Z`,
    ended: `2026-11-30T${at}:30.000Z`,
    outcome,
  };
}

const VIEW: StatusView = {
  imageStage: 'image',
  release: R2,
  releaseId: releaseId(R2),
  environments: [
    {
      environment: 'dev',
      deployed: true,
      ...releaseStatus(R2, R2, undefined),
      verified: true,
      since: '2026-11-30T09:15:30.000Z',
      upstream: 'image',
      lastDeploy: 'verified',
      url: 'http://127.0.0.1:8080/',
    },
    {
      environment: 'prod',
      deployed: true,
      ...releaseStatus(R1, R1, R2),
      verified: true,
      upstream: 'dev',
      waitingApproved: false,
      url: 'http://127.0.0.1:8280/',
    },
    { environment: 'review-7', deployed: false, verified: false, upstream: 'image' },
  ],
};

// The ids as the CLI and the engine compute them (see approval-gate.plan.test.ts).
const ID1 = releaseId(R1);
const ID2 = releaseId(R2);

describe('releaseStatus', () => {
  test('the ids of what runs, what is verified and what waits, and which images of the waiting one changed', () => {
    expect(releaseStatus(R1, R1, R2)).toEqual({
      runs: R1,
      runsId: ID1,
      verifiedRelease: R1,
      verifiedReleaseId: ID1,
      waiting: R2,
      waitingId: ID2,
      waitingChanged: ['api'],
    });
    expect(releaseStatus(undefined, undefined, R2)).toEqual({
      waiting: R2,
      waitingId: ID2,
      waitingChanged: ['api', 'web'],
    });
  });
});

describe('verifiedSince', () => {
  const history = [
    deployment('dev', R1, 'verified', '08:00'),
    deployment('dev', R1, 'verified', '08:10'),
    deployment('dev', R2, 'smoke test failed', '08:20'),
    deployment('staging', R2, 'verified', '08:25'),
    deployment('dev', R1, 'verified', '08:30'),
  ];

  test('the first verified deploy of the release since another one was verified', () => {
    expect(verifiedSince(history, 'dev', R1)).toBe('2026-11-30T08:00:30.000Z');
    expect(
      verifiedSince(
        [
          ...history,
          deployment('dev', R2, 'verified', '08:40'),
          deployment('dev', release('a', '1'), 'verified', '08:50'),
        ],
        'dev',
        R1,
      ),
    ).toBe('2026-11-30T08:50:30.000Z');
  });

  test('unknown when the history has no verified deploy of it', () => {
    expect(verifiedSince(history, 'dev', R2)).toBeUndefined();
    expect(verifiedSince(history, 'prod', R1)).toBeUndefined();
    expect(verifiedSince(history, 'dev', undefined)).toBeUndefined();
  });
});

describe('the status view', () => {
  const r1 = `${ID1} (api sha256:111111111111, web sha256:aaaaaaaaaaaa)`;
  const r2 = `${ID2} (api sha256:222222222222, web sha256:aaaaaaaaaaaa)`;

  test('as a table: a row per environment, each release by id and short digests, the waiting one with what changed and its approval', () => {
    const rows = statusTable(VIEW);
    expect(rows[0]).toBe(`image released ${r2}`);
    // With the engine that read the states, a line of its own comes first.
    expect(statusTable({ ...VIEW, engine: 'tofu' }).slice(0, 2)).toEqual([
      'engine: tofu',
      `image released ${r2}`,
    ]);
    expect(rows.slice(1).map((r) => r.split(/ {2,}/))).toEqual([
      ['environment', 'runs', 'verified', 'since', 'last deploy', 'upstream', 'waiting', 'url'],
      expect.any(Array),
      [
        'dev',
        r2,
        'yes',
        '2026-11-30 09:15 UTC',
        'verified',
        'image',
        '-',
        'http://127.0.0.1:8080/',
      ],
      [
        'prod',
        r1,
        'yes',
        '-',
        '-',
        'dev',
        `${r2} [api changed, not approved]`,
        'http://127.0.0.1:8280/',
      ],
      ['review-7', 'not deployed', '-', '-', '-', 'image', '-', '-'],
    ]);
  });

  test('with --probe and --drift: their columns', () => {
    const view: StatusView = {
      ...VIEW,
      environments: [{ ...VIEW.environments[0], smokeTests: 'pass', drift: 'in sync' }],
    };
    expect(statusTable(view)[1]).toMatch(/ url\s+smoke tests {2}drift$/);
    expect(statusTable(view)[3]).toMatch(/http:\/\/127\.0\.0\.1:8080\/ {2}pass {9}in sync$/);
  });

  test('as Markdown: the table, a Mermaid graph of the chain with the waiting release on its edge, and every release in full', () => {
    expect(statusMarkdown(VIEW)).toBe(
      [
        '## Delivery status',
        '',
        `image released ${r2}.`,
        '',
        '| environment | runs | verified | since | last deploy | upstream | waiting | url |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        `| dev | ${r2} | yes | 2026-11-30 09:15 UTC | verified | image | - | http://127.0.0.1:8080/ |`,
        `| prod | ${r1} | yes | - | - | dev | ${r2} [api changed, not approved] | http://127.0.0.1:8280/ |`,
        '| review-7 | not deployed | - | - | - | image | - | - |',
        '',
        '```mermaid',
        'graph LR',
        `  image["image<br/>release ${ID2}<br/>api sha256:222222222222<br/>web sha256:aaaaaaaaaaaa"]`,
        `  dev["dev<br/>release ${ID2}<br/>api sha256:222222222222<br/>web sha256:aaaaaaaaaaaa<br/>verified"]`,
        `  prod["prod<br/>release ${ID1}<br/>api sha256:111111111111<br/>web sha256:aaaaaaaaaaaa<br/>verified"]`,
        '  review_7["review-7<br/>-<br/>not deployed"]',
        '  image --> dev',
        `  dev -->|"${ID2} waiting"| prod`,
        '  image --> review_7',
        '  classDef verified fill:#d4edda,stroke:#28a745',
        '  classDef unverified fill:#f8d7da,stroke:#dc3545',
        '  class image,dev,prod verified',
        '  class review_7 unverified',
        '```',
        '',
        '### Releases',
        '',
        `- release \`${ID2}\`:`,
        `  - api: \`${ref('api', '2')}\``,
        `  - web: \`${ref('web', 'a')}\``,
        `- release \`${ID1}\`:`,
        `  - api: \`${ref('api', '1')}\``,
        `  - web: \`${ref('web', 'a')}\``,
        '',
      ].join('\n'),
    );
  });

  test('history as a table, newest first as given: each release, and what changed since the deploy before', () => {
    const rows = historyTable([
      { ...deployment('dev', R2, 'smoke test failed', '08:20', ['api']), detail: 'x' },
      {
        ...deployment('prod', R1, 'interrupted', '08:00'),
        ended: undefined,
        approval: `api=sha256:${'1'.repeat(64)} web=sha256:${'a'.repeat(64)} # approved by ana`,
      },
    ]);
    expect(rows.map((r) => r.split(/ {2,}/))).toEqual([
      [
        'started',
        'environment',
        'release',
        'changed',
        'from',
        'outcome',
        'took',
        'run',
        'approval',
      ],
      expect.any(Array),
      [
        '2026-11-30 08:20 UTC',
        'dev',
        r2,
        'api',
        'image',
        'smoke test failed',
        '30s',
        'by hand (ana)',
        '-',
      ],
      [
        '2026-11-30 08:00 UTC',
        'prod',
        r1,
        '-',
        'image',
        'interrupted',
        '-',
        'by hand (ana)',
        'approved by ana',
      ],
    ]);
  });
});
