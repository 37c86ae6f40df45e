import { Deployment } from '../../../lib/cli/history';
import {
  historyTable,
  statusMarkdown,
  StatusView,
  statusTable,
  verifiedSince,
} from '../../../lib/cli/status-view';

const image = (c: string) => `127.0.0.1:5000/app@sha256:${c.repeat(64)}`;

function deployment(
  environment: string,
  c: string,
  outcome: Deployment['outcome'],
  at: string,
): Deployment {
  return {
    id: `${environment}-${at}`,
    environment,
    image: image(c),
    digest: `sha256:${c.repeat(64)}`,
    from: 'image',
    run: 'by hand (ana)',
    started: `2026-11-30T${at}:00.000Z`,
    ended: `2026-11-30T${at}:30.000Z`,
    outcome,
  };
}

const VIEW: StatusView = {
  imageStage: 'image',
  release: image('b'),
  environments: [
    {
      environment: 'dev',
      deployed: true,
      runs: image('b'),
      verifiedImage: image('b'),
      verified: true,
      since: '2026-11-30T09:15:30.000Z',
      upstream: 'image',
      lastDeploy: 'verified',
      url: 'http://127.0.0.1:8080/',
    },
    {
      environment: 'prod',
      deployed: true,
      runs: image('a'),
      verifiedImage: image('a'),
      verified: true,
      upstream: 'dev',
      waiting: image('b'),
      waitingApproved: false,
      url: 'http://127.0.0.1:8280/',
    },
    { environment: 'review-7', deployed: false, verified: false, upstream: 'image' },
  ],
};

describe('verifiedSince', () => {
  const history = [
    deployment('dev', 'a', 'verified', '08:00'),
    deployment('dev', 'a', 'verified', '08:10'),
    deployment('dev', 'b', 'smoke test failed', '08:20'),
    deployment('staging', 'b', 'verified', '08:25'),
    deployment('dev', 'a', 'verified', '08:30'),
  ];

  test('the first verified deploy of the image since another one was verified', () => {
    expect(verifiedSince(history, 'dev', image('a'))).toBe('2026-11-30T08:00:30.000Z');
    expect(
      verifiedSince(
        [
          ...history,
          deployment('dev', 'b', 'verified', '08:40'),
          deployment('dev', 'a', 'verified', '08:50'),
        ],
        'dev',
        image('a'),
      ),
    ).toBe('2026-11-30T08:50:30.000Z');
  });

  test('unknown when the history has no verified deploy of it', () => {
    expect(verifiedSince(history, 'dev', image('b'))).toBeUndefined();
    expect(verifiedSince(history, 'prod', image('a'))).toBeUndefined();
    expect(verifiedSince(history, 'dev', undefined)).toBeUndefined();
  });
});

describe('the status view', () => {
  test('as a table: a row per environment, digests short, the waiting digest with its approval', () => {
    expect(statusTable(VIEW)).toEqual([
      'image released sha256:bbbbbbbbbbbb',
      'environment  runs                 verified  since                 last deploy  upstream  waiting                             url',
      '-----------  -------------------  --------  --------------------  -----------  --------  ----------------------------------  ----------------------',
      'dev          sha256:bbbbbbbbbbbb  yes       2026-11-30 09:15 UTC  verified     image     -                                   http://127.0.0.1:8080/',
      'prod         sha256:aaaaaaaaaaaa  yes       -                     -            dev       sha256:bbbbbbbbbbbb (not approved)  http://127.0.0.1:8280/',
      'review-7     not deployed         -         -                     -            image     -                                   -',
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

  test('as Markdown: the table and a Mermaid graph of the chain, the waiting digest on its edge', () => {
    expect(statusMarkdown(VIEW)).toBe(
      [
        '## Delivery status',
        '',
        'image released `sha256:bbbbbbbbbbbb`.',
        '',
        '| environment | runs | verified | since | last deploy | upstream | waiting | url |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        '| dev | `sha256:bbbbbbbbbbbb` | yes | 2026-11-30 09:15 UTC | verified | image | - | http://127.0.0.1:8080/ |',
        '| prod | `sha256:aaaaaaaaaaaa` | yes | - | - | dev | `sha256:bbbbbbbbbbbb (not approved)` | http://127.0.0.1:8280/ |',
        '| review-7 | not deployed | - | - | - | image | - | - |',
        '',
        '```mermaid',
        'graph LR',
        '  image["image<br/>sha256:bbbbbbbbbbbb"]',
        '  dev["dev<br/>sha256:bbbbbbbbbbbb<br/>verified"]',
        '  prod["prod<br/>sha256:aaaaaaaaaaaa<br/>verified"]',
        '  review_7["review-7<br/>-<br/>not deployed"]',
        '  image --> dev',
        '  dev -->|"sha256:bbbbbbbbbbbb (not approved) waiting"| prod',
        '  image --> review_7',
        '  classDef verified fill:#d4edda,stroke:#28a745',
        '  classDef unverified fill:#f8d7da,stroke:#dc3545',
        '  class image,dev,prod verified',
        '  class review_7 unverified',
        '```',
        '',
      ].join('\n'),
    );
  });

  test('history as a table, newest first as given', () => {
    const rows = historyTable([
      { ...deployment('dev', 'b', 'smoke test failed', '08:20'), detail: 'x' },
      {
        ...deployment('prod', 'a', 'interrupted', '08:00'),
        ended: undefined,
        approval: `sha256:${'a'.repeat(64)} # approved by ana`,
      },
    ]);
    expect(rows).toEqual([
      'started               environment  digest               from   outcome            took  run            approval',
      '--------------------  -----------  -------------------  -----  -----------------  ----  -------------  ---------------',
      '2026-11-30 08:20 UTC  dev          sha256:bbbbbbbbbbbb  image  smoke test failed  30s   by hand (ana)  -',
      '2026-11-30 08:00 UTC  prod         sha256:aaaaaaaaaaaa  image  interrupted        -     by hand (ana)  approved by ana',
    ]);
  });
});
