import { Release, releaseId, shortDigest } from '../../private/release';

import { Deployment, Outcome } from './history-store';
import { approvalComment, EnvironmentStatus, shortTime, StatusView } from './status-view';

/** What the HTML report adds to the status view. */
export interface StatusHtmlOptions {
  /**
   * When the report was made, as ISO 8601; shown in its header.
   * @default now
   */
  readonly generated?: string;
  /**
   * The title of the page.
   * @default 'Delivery status'
   */
  readonly title?: string;
}

/** Text for HTML: what comes from state, history or config can hold markup; none of it runs. */
function esc(text: string | undefined): string {
  return (text ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A stage's state: a word and a symbol beside its colour, so that it reads without colour. */
type NodeState = 'verified' | 'unverified' | 'failed' | 'absent';

const STATE_TEXT: Record<NodeState, string> = {
  verified: '✓ verified',
  unverified: '! not verified',
  failed: '✗ last deploy failed',
  absent: '○ not deployed',
};

const FAILED: readonly Outcome[] = ['smoke test failed', 'rolled back', 'failed', 'interrupted'];

function stateOf(e: EnvironmentStatus): NodeState {
  if (!e.deployed) return 'absent';
  if (e.lastDeploy && FAILED.includes(e.lastDeploy)) return 'failed';
  return e.verified ? 'verified' : 'unverified';
}

/** Each image of a release: its short digest, the full reference on hover and to copy. */
function releaseHtml(release: Release | undefined): string {
  if (!release) return '<span class="none">none</span>';
  const images = Object.keys(release)
    .sort()
    .map(
      (name) =>
        `<li><span class="image">${esc(name)}</span> <code class="digest" title="${esc(release[name])}" data-full="${esc(release[name])}">${esc(shortDigest(release[name]))}</code>` +
        ` <button type="button" class="copy" data-copy="${esc(release[name])}" aria-label="copy ${esc(name)}'s full reference">copy</button></li>`,
    )
    .join('');
  return `<span class="release-id">release <code>${esc(releaseId(release))}</code></span><ul class="images">${images}</ul>`;
}

interface Node {
  readonly name: string;
  readonly lines: readonly string[];
  readonly state: NodeState;
  readonly column: number;
  readonly row: number;
}

const NODE_WIDTH = 190;
const NODE_HEIGHT = 86;
const GAP_X = 150;
const GAP_Y = 24;

/** The promotion graph as inline SVG: the image stage, then each environment right of its upstream. */
function graphSvg(view: StatusView): string {
  const columnOf = new Map<string, number>([[view.imageStage, 0]]);
  const depth = (e: EnvironmentStatus, seen = new Set<string>()): number => {
    const known = columnOf.get(e.environment);
    if (known !== undefined) return known;
    const up = view.environments.find((u) => u.environment === e.upstream);
    const column =
      up && !seen.has(up.environment) ? depth(up, seen.add(e.environment)) + 1 : e.upstream ? 1 : 0;
    columnOf.set(e.environment, column);
    return column;
  };
  const rows = new Map<number, number>();
  const place = (column: number) => {
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    return row;
  };
  const nodes: Node[] = [
    {
      name: view.imageStage,
      lines: [view.releaseId ? `release ${view.releaseId}` : 'nothing released'],
      state: view.release ? 'verified' : 'absent',
      column: 0,
      row: place(0),
    },
    ...view.environments.map((e) => {
      const column = depth(e);
      return {
        name: e.environment,
        lines: [e.runsId ? `release ${e.runsId}` : 'no release'],
        state: stateOf(e),
        column,
        row: place(column),
      };
    }),
  ];
  const at = new Map(nodes.map((n) => [n.name, n]));
  const x = (n: Node) => 10 + n.column * (NODE_WIDTH + GAP_X);
  const y = (n: Node) => 10 + n.row * (NODE_HEIGHT + GAP_Y);
  const width = 20 + (Math.max(...nodes.map((n) => n.column)) + 1) * (NODE_WIDTH + GAP_X) - GAP_X;
  const height = 20 + Math.max(...[...rows.values()]) * (NODE_HEIGHT + GAP_Y) - GAP_Y;
  const edges = view.environments.flatMap((e) => {
    const from = e.upstream ? at.get(e.upstream) : undefined;
    const to = at.get(e.environment);
    if (!from || !to) return [];
    const x1 = x(from) + NODE_WIDTH;
    const y1 = y(from) + NODE_HEIGHT / 2;
    const x2 = x(to);
    const y2 = y(to) + NODE_HEIGHT / 2;
    // The waiting release above the arrow, its approval below it.
    const lines = e.waiting
      ? [
          `${e.waitingId ?? ''} waiting`,
          ...(e.waitingApproved === undefined
            ? []
            : [e.waitingApproved ? 'approved' : 'not approved']),
        ]
      : [];
    const label = lines.join(', ');
    const middle = (x1 + x2) / 2;
    return [
      `<g class="edge${e.waiting ? ' waiting' : ''}" data-from="${esc(from.name)}" data-to="${esc(to.name)}" data-label="${esc(label)}">` +
        `<title>${esc(from.name)} → ${esc(to.name)}${label ? `: ${esc(label)}` : ''}</title>` +
        `<path d="M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2 - 4},${y2}" marker-end="url(#arrow)"/>` +
        lines
          .map(
            (line, i) =>
              `<text class="edge-label" x="${middle}" y="${Math.min(y1, y2) + (i === 0 ? -8 : 18)}" text-anchor="middle">${esc(line)}</text>`,
          )
          .join('') +
        '</g>',
    ];
  });
  const boxes = nodes.map(
    (n) =>
      `<g class="node ${n.state}" data-node="${esc(n.name)}" data-state="${n.state}">` +
      `<title>${esc(n.name)}: ${esc(STATE_TEXT[n.state])}</title>` +
      `<rect x="${x(n)}" y="${y(n)}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="8"/>` +
      `<text x="${x(n) + 12}" y="${y(n) + 24}" class="node-name">${esc(n.name)}</text>` +
      n.lines
        .map(
          (line, i) =>
            `<text x="${x(n) + 12}" y="${y(n) + 46 + i * 18}" class="node-line">${esc(line)}</text>`,
        )
        .join('') +
      `<text x="${x(n) + 12}" y="${y(n) + NODE_HEIGHT - 12}" class="node-state">${esc(STATE_TEXT[n.state])}</text>` +
      '</g>',
  );
  return (
    `<svg class="graph" role="img" aria-label="promotion graph" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrow-head"/></marker></defs>' +
    edges.join('') +
    boxes.join('') +
    '</svg>'
  );
}

/**
 * An approval record's line as the report shows it: its comment (who approved, when, the note),
 * the whole line with every digest on hover.
 */
function approvalText(line: string, attributes = ''): string {
  return `<span${attributes} title="${esc(line)}">${esc(approvalComment(line) || line)}</span>`;
}

function row(label: string, value: string): string {
  return `<dt>${esc(label)}</dt><dd>${value}</dd>`;
}

function approvalHtml(e: EnvironmentStatus): string {
  if (!e.approvalRequired) return '<span class="none">not required</span>';
  if (!e.waiting) return 'required; <span class="none">no release waits</span>';
  return e.waitingApproved
    ? `<span class="approval approved" data-approval="approved">✓ release ${esc(e.waitingId)} approved</span>` +
        (e.waitingApproval
          ? `<div class="approval-line">${approvalText(e.waitingApproval, ' data-approval-line')}</div>`
          : '')
    : `<span class="approval pending" data-approval="not approved">◐ release ${esc(e.waitingId)} waits for approval</span>`;
}

function lastDeployHtml(e: EnvironmentStatus): string {
  if (!e.lastDeploy) return '<span class="none">none</span>';
  const failed = FAILED.includes(e.lastDeploy);
  return (
    `<span class="outcome ${failed ? 'failed' : 'ok'}">${failed ? '✗' : '✓'} ${esc(e.lastDeploy)}</span>` +
    (e.lastDeployDetail ? `<pre class="detail">${esc(e.lastDeployDetail)}</pre>` : '')
  );
}

function timelineHtml(deployments: readonly Deployment[]): string {
  if (deployments.length === 0) return '<p class="none">No deploy on record.</p>';
  const items = deployments.map((d) => {
    const failed = FAILED.includes(d.outcome);
    return (
      `<li class="deploy ${failed ? 'failed' : 'ok'}" data-outcome="${esc(d.outcome)}" data-release="${esc(d.releaseId)}">` +
      `<time datetime="${esc(d.started)}">${esc(shortTime(d.started))}</time> ` +
      `<span class="outcome">${failed ? '✗' : d.outcome === 'verified' ? '✓' : '…'} ${esc(d.outcome)}</span> ` +
      `release <code>${esc(d.releaseId)}</code> from ${esc(d.from)}` +
      `<div class="run">${esc(d.run)}</div>` +
      (d.changed && d.changed.length > 0
        ? `<div class="changed">changed: ${esc(d.changed.join(', '))}</div>`
        : '') +
      (d.approval ? `<div class="approval-line">approval: ${approvalText(d.approval)}</div>` : '') +
      (d.detail ? `<pre class="detail">${esc(d.detail)}</pre>` : '') +
      '</li>'
    );
  });
  return `<ol class="timeline">${items.join('')}</ol>`;
}

function environmentHtml(e: EnvironmentStatus, history: readonly Deployment[]): string {
  const state = stateOf(e);
  const url = e.url
    ? `<a href="${esc(e.url)}">${esc(e.url)}</a>`
    : '<span class="none">none</span>';
  return (
    `<section class="environment ${state}" id="environment-${esc(e.environment)}" data-environment="${esc(e.environment)}" data-state="${state}">` +
    `<h2>${esc(e.environment)} <span class="badge ${state}">${esc(STATE_TEXT[state])}</span></h2>` +
    '<dl>' +
    row('runs', e.deployed ? releaseHtml(e.runs) : '<span class="none">not deployed</span>') +
    row(
      'verified',
      e.deployed
        ? `<span class="verified" data-verified="${e.verified ? 'yes' : 'no'}">${e.verified ? '✓ yes' : '✗ no'}</span>`
        : '<span class="none">-</span>',
    ) +
    row('since', esc(shortTime(e.since))) +
    row('upstream', esc(e.upstream ?? '-')) +
    row('waiting', e.waiting ? releaseHtml(e.waiting) : '<span class="none">nothing</span>') +
    row('approval', approvalHtml(e)) +
    row('last deploy', lastDeployHtml(e)) +
    (e.smokeTests !== undefined ? row('smoke tests', esc(e.smokeTests)) : '') +
    (e.drift !== undefined
      ? row(
          'drift',
          `<span class="drift ${e.drift === 'in sync' ? 'ok' : 'failed'}">${e.drift === 'in sync' ? '✓' : '✗'} ${esc(e.drift)}</span>`,
        )
      : '') +
    row('url', url) +
    '</dl>' +
    `<details open><summary>history (${history.length})</summary>${timelineHtml(history)}</details>` +
    '</section>'
  );
}

const STYLE = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de;
  --card: #f6f8fa; --ok: #0b5cad; --ok-bg: #dbeafe; --warn: #9a4d00; --warn-bg: #fde8cf;
  --bad: #a1260d; --bad-bg: #fbd9cf; --off: #6e7781; --off-bg: #eaeef2; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9da7b3;
  --line: #30363d; --card: #161b22; --ok: #79b8ff; --ok-bg: #0f2a4a; --warn: #f0b35b; --warn-bg: #3b2708;
  --bad: #ff9b85; --bad-bg: #4a1a10; --off: #9da7b3; --off-bg: #21262d; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 16px; background: var(--bg); color: var(--fg);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { margin-bottom: 16px; } h1 { font-size: 1.5em; margin: 0 0 4px; }
.meta, .none { color: var(--muted); }
.graph-box { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: var(--card); }
svg.graph { max-width: none; font: 13px system-ui, sans-serif; }
.node rect { stroke-width: 2; }
.node.verified rect { fill: var(--ok-bg); stroke: var(--ok); }
.node.unverified rect { fill: var(--warn-bg); stroke: var(--warn); stroke-dasharray: 7 4; }
.node.failed rect { fill: var(--bad-bg); stroke: var(--bad); stroke-dasharray: 2 3; stroke-width: 3; }
.node.absent rect { fill: var(--off-bg); stroke: var(--off); stroke-dasharray: 1 5; }
.node text { fill: var(--fg); } .node-name { font-weight: 700; font-size: 15px; }
.node-state { font-weight: 600; }
.edge path { fill: none; stroke: var(--muted); stroke-width: 2; }
.edge.waiting path { stroke: var(--warn); stroke-dasharray: 6 4; }
.arrow-head { fill: var(--muted); } .edge-label { fill: var(--warn); font-size: 12px; }
.environments { display: grid; grid-template-columns: repeat(auto-fill, minmax(320px, 1fr)); gap: 16px; margin-top: 16px; }
.environment { border: 1px solid var(--line); border-left-width: 6px; border-radius: 8px; padding: 12px; background: var(--card); min-width: 0; }
.environment.verified { border-left-color: var(--ok); } .environment.unverified { border-left-color: var(--warn); border-left-style: dashed; }
.environment.failed { border-left-color: var(--bad); border-left-style: double; } .environment.absent { border-left-color: var(--off); border-left-style: dotted; }
h2 { font-size: 1.15em; margin: 0 0 8px; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.badge { font-size: 0.75em; padding: 2px 8px; border-radius: 999px; border: 1px solid currentColor; }
.badge.verified { color: var(--ok); } .badge.unverified { color: var(--warn); } .badge.failed { color: var(--bad); } .badge.absent { color: var(--off); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0; }
dt { color: var(--muted); } dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
ul.images { list-style: none; margin: 2px 0 0; padding: 0; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; }
button.copy { font-size: 0.75em; padding: 0 6px; cursor: pointer; }
.outcome.failed, .drift.failed { color: var(--bad); font-weight: 600; } .outcome.ok, .drift.ok { color: var(--ok); }
.approval.approved { color: var(--ok); } .approval.pending { color: var(--warn); font-weight: 600; }
pre.detail { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bad-bg); padding: 6px; border-radius: 4px; margin: 4px 0 0; font-size: 0.85em; }
ol.timeline { list-style: none; padding: 0 0 0 14px; margin: 6px 0 0; border-left: 2px solid var(--line); }
ol.timeline li { margin: 0 0 8px; } ol.timeline li.failed { color: var(--bad); }
.run, .changed, .approval-line { color: var(--muted); font-size: 0.9em; overflow-wrap: anywhere; }
a { color: var(--ok); }
@media (max-width: 480px) { body { padding: 8px; } .environments { grid-template-columns: 1fr; } }
`;

const SCRIPT = `document.addEventListener('click', function (event) {
  var button = event.target.closest && event.target.closest('button[data-copy]');
  if (!button || !navigator.clipboard) return;
  navigator.clipboard.writeText(button.getAttribute('data-copy')).then(function () {
    button.textContent = 'copied';
    setTimeout(function () { button.textContent = 'copy'; }, 1500);
  });
});`;

/**
 * The status as one self-contained HTML page: the promotion graph as inline SVG, each environment's
 * release, verification, waiting release and approval, last deploy and history. Styles and script
 * are inline (nothing is fetched when it is opened), it follows the viewer's light or dark scheme,
 * and every state reads by its symbol and word as well as by its colour. Everything that comes from
 * state, history or config is escaped. The view's `history` (from `status` with `history: true`)
 * fills the timelines, newest first.
 */
export function statusHtml(view: StatusView, options: StatusHtmlOptions = {}): string {
  const title = options.title ?? 'Delivery status';
  const history = view.history ?? [];
  const released = view.release
    ? `${esc(view.imageStage)} released ${releaseHtml(view.release)}`
    : `${esc(view.imageStage)} has released nothing yet`;
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing outside the page: no network access when it is opened.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    `<header><h1>${esc(title)}</h1><div class="meta">made ${esc(shortTime(options.generated ?? new Date().toISOString()))}${view.engine ? ` · engine ${esc(view.engine)}` : ''}</div>` +
      `<div class="released">${released}</div></header>`,
    `<div class="graph-box">${graphSvg(view)}</div>`,
    '<main class="environments">',
    ...view.environments.map((e) =>
      environmentHtml(
        e,
        history.filter((d) => d.environment === e.environment),
      ),
    ),
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
