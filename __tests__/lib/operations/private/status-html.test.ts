import { Deployment } from '../../../../lib/operations/private/history-store';
import { statusHtml } from '../../../../lib/operations/private/status-html';
import { releaseStatus, StatusView } from '../../../../lib/operations/private/status-view';
import { Release, releaseId } from '../../../../lib/private/release';

const ref = (image: string, c: string) => `127.0.0.1:5000/${image}@sha256:${c.repeat(64)}`;
const release = (web: string, api: string): Release => ({
  web: ref('web', web),
  api: ref('api', api),
});
const R1 = release('a', '1');
const R2 = release('a', '2');
const HOSTILE = '<script>alert("x")</script>';

function deployment(environment: string, shipped: Release, at: string, extra = {}): Deployment {
  return {
    id: `${environment}-${at}`,
    environment,
    release: shipped,
    releaseId: releaseId(shipped),
    from: 'image',
    run: 'by hand (ana)',
    started: `2026-11-30T${at}:00.000Z`,
    ended: `2026-11-30T${at}:30.000Z`,
    outcome: 'verified',
    ...extra,
  };
}

const VIEW: StatusView = {
  engine: 'tofu',
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
      approvalRequired: true,
      lastDeploy: 'smoke test failed',
      lastDeployDetail: `smoke test / answered 500 ${HOSTILE}`,
      url: 'http://127.0.0.1:8280/',
    },
    { environment: 'review-7', deployed: false, verified: false, upstream: 'image' },
  ],
  history: [
    deployment('prod', R2, '10:00', {
      outcome: 'smoke test failed',
      detail: `smoke test / answered 500 ${HOSTILE}`,
    }),
    deployment('dev', R2, '09:15', { changed: ['api'] }),
    deployment('prod', R1, '08:00', { approval: `${releaseId(R1)} # ok by ${HOSTILE}` }),
  ],
};

const html = statusHtml(VIEW, { generated: '2026-11-30T11:00:00.000Z' });

/** Each match of the pattern's first group, in order. */
const all = (pattern: RegExp) => [...html.matchAll(pattern)].map((m) => m[1]);

describe('statusHtml', () => {
  test('one self-contained page: no external script, style, image or font, only its own inline script', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/<link\b|\ssrc=|@import|url\(http/);
    expect(all(/<(script)\b/g)).toEqual(['script']);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    );
  });

  test('what comes from state and history is escaped: a record holding <script> shows as text', () => {
    expect(html).not.toContain(HOSTILE);
    expect(html).toContain(
      '<pre class="detail">smoke test / answered 500 &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</pre>',
    );
    expect(html).toContain(
      `approval: <span title="${releaseId(R1)} # ok by &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">ok by &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>`,
    );
  });

  test('the graph has a node per stage with its state in words, and an edge from each upstream, the waiting release on it', () => {
    expect(all(/<g class="node [a-z]+" data-node="([^"]+)" data-state="[a-z]+">/g)).toEqual([
      'image',
      'dev',
      'prod',
      'review-7',
    ]);
    expect(all(/data-node="[^"]+" data-state="([a-z]+)"/g)).toEqual([
      'verified',
      'verified',
      'failed',
      'absent',
    ]);
    expect(all(/<g class="edge[^"]*" (data-from="[^"]+" data-to="[^"]+") data-label=/g)).toEqual([
      'data-from="image" data-to="dev"',
      'data-from="dev" data-to="prod"',
      'data-from="image" data-to="review-7"',
    ]);
    expect(html).toContain(
      `<g class="edge waiting" data-from="dev" data-to="prod" data-label="${releaseId(R2)} waiting, not approved">`,
    );
    expect(all(/class="node-state">([^<]+)</g)).toEqual([
      '✓ verified',
      '✓ verified',
      '✗ last deploy failed',
      '○ not deployed',
    ]);
  });

  test('each environment: its digests short with the full reference to hover and copy, verified, approval, history newest first', () => {
    expect(html).toContain(
      `<code class="digest" title="${R2.api}" data-full="${R2.api}">sha256:${'2'.repeat(12)}</code> <button type="button" class="copy" data-copy="${R2.api}"`,
    );
    expect(all(/data-environment="([^"]+)"/g)).toEqual(['dev', 'prod', 'review-7']);
    expect(all(/data-verified="(yes|no)"/g)).toEqual(['yes', 'yes']);
    expect(html).toContain(
      `<span class="approval pending" data-approval="not approved">◐ release ${releaseId(R2)} waits for approval</span>`,
    );
    const prod = html.slice(
      html.indexOf('data-environment="prod"'),
      html.indexOf('data-environment="review-7"'),
    );
    expect(
      [...prod.matchAll(/<li class="deploy [a-z]+" data-outcome="([^"]+)"/g)].map((m) => m[1]),
    ).toEqual(['smoke test failed', 'verified']);
    expect(html).toContain('<a href="http://127.0.0.1:8280/">http://127.0.0.1:8280/</a>');
  });
});
