import {
  changedImages,
  describeRelease,
  Release,
  releaseId,
  sameRelease,
  shortDigest,
} from '../../private/release';

import { Deployment, Outcome } from './history-store';

/** One environment in the status view. */
export interface EnvironmentStatus {
  /** The environment's name. */
  readonly environment: string;
  /** Whether its state holds resources. */
  readonly deployed: boolean;
  /** The release its last deploy put in place: each image's `<repository>@sha256:…`, by name. */
  readonly runs?: Release;
  /** Its id. */
  readonly runsId?: string;
  /** The release it verified last (what it promotes). */
  readonly verifiedRelease?: Release;
  /** Its id. */
  readonly verifiedReleaseId?: string;
  /** Whether what it runs is what it verified. */
  readonly verified: boolean;
  /** When it verified the release it runs (the first of its deploys of it since another). */
  readonly since?: string;
  /** The stage whose verified release it deploys. */
  readonly upstream?: string;
  /** The upstream's verified release, when it is not the one this environment verified. */
  readonly waiting?: Release;
  /** Its id. */
  readonly waitingId?: string;
  /** The images of the waiting release that differ from the release this environment verified. */
  readonly waitingChanged?: readonly string[];
  /** For an environment that requires approval: whether the waiting release is approved. */
  readonly waitingApproved?: boolean;
  /** The approval record's line that approves the waiting release, when one does. */
  readonly waitingApproval?: string;
  /** Present (true) when a release needs an approval of its own before it deploys here. */
  readonly approvalRequired?: boolean;
  /** How its last deploy ended, by the history. */
  readonly lastDeploy?: Outcome;
  /** What failed in its last deploy, when it did not verify. */
  readonly lastDeployDetail?: string;
  /** Its first published URL. */
  readonly url?: string;
  /** With --probe: `pass`, or what failed. */
  readonly smokeTests?: string;
  /** With --drift: `in sync`, or what drifted. */
  readonly drift?: string;
}

/** What `status` shows: the image stage's release and every environment in promotion order. */
export interface StatusView {
  /** The engine that read the states, e.g. `tofu` (`TERRAFORM_BINARY_NAME`, else tofu, else terraform). */
  readonly engine?: string;
  /** The name of the stage that builds the images. */
  readonly imageStage: string;
  /** The release the image stage verified last: each image by digest, by name. */
  readonly release?: Release;
  /** Its id. */
  readonly releaseId?: string;
  /** Every environment, in promotion order. */
  readonly environments: readonly EnvironmentStatus[];
  /** With `history`: every deploy of the environments shown, newest first, as `history` lists them. */
  readonly history?: readonly Deployment[];
}

/** A release as its id and each image's short digest, or `-` for none. */
function short(release: Release | undefined): string {
  return release ? describeRelease(release) : '-';
}

/** An ISO time as `YYYY-MM-DD HH:MM UTC`. */
export function shortTime(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '-';
}

/**
 * When `environment` started running `release` verified: the first of its verified deploys of that
 * release since it last verified another one. Undefined when the history has no such deploy.
 */
export function verifiedSince(
  deployments: readonly Deployment[],
  environment: string,
  release: Release | undefined,
): string | undefined {
  if (!release) return undefined;
  let since: string | undefined;
  for (const d of deployments) {
    if (d.environment !== environment || d.outcome !== 'verified') continue;
    if (!sameRelease(d.release, release)) since = undefined;
    else since ??= d.ended ?? d.started;
  }
  return since;
}

/** The status of one environment's releases, with their ids and what a waiting one changes. */
export function releaseStatus(
  runs: Release | undefined,
  verified: Release | undefined,
  waiting: Release | undefined,
): Pick<
  EnvironmentStatus,
  | 'runs'
  | 'runsId'
  | 'verifiedRelease'
  | 'verifiedReleaseId'
  | 'waiting'
  | 'waitingId'
  | 'waitingChanged'
> {
  return {
    ...(runs ? { runs, runsId: releaseId(runs) } : {}),
    ...(verified ? { verifiedRelease: verified, verifiedReleaseId: releaseId(verified) } : {}),
    ...(waiting
      ? {
          waiting,
          waitingId: releaseId(waiting),
          waitingChanged: changedImages(verified, waiting),
        }
      : {}),
  };
}

/** `yes`; or `no`, with the release it still promotes when it verified one before. */
function verifiedText(e: EnvironmentStatus): string {
  if (!e.deployed) return '-';
  if (e.verified) return 'yes';
  return e.verifiedRelease ? `no, promotes ${short(e.verifiedRelease)}` : 'no';
}

/** The waiting release, what of it changed, and whether it is approved. */
function waitingText(e: EnvironmentStatus): string {
  if (!e.waiting) return '-';
  const approval =
    e.waitingApproved === undefined ? '' : e.waitingApproved ? 'approved' : 'not approved';
  const notes = [changedText(e.verifiedRelease, e.waiting), approval].filter(Boolean);
  return notes.length > 0 ? `${short(e.waiting)} [${notes.join(', ')}]` : short(e.waiting);
}

/** `api changed` when a release of several images differs from the one before in some of them. */
function changedText(before: Release | undefined, after: Release): string {
  const changed = changedImages(before, after);
  if (before === undefined || Object.keys(after).length < 2 || changed.length === 0) return '';
  return changed.length === Object.keys(after).length
    ? 'all changed'
    : `${changed.join(', ')} changed`;
}

function columns(view: StatusView): { header: string; cell: (e: EnvironmentStatus) => string }[] {
  const probe = view.environments.some((e) => e.smokeTests !== undefined);
  const drift = view.environments.some((e) => e.drift !== undefined);
  return [
    { header: 'environment', cell: (e) => e.environment },
    { header: 'runs', cell: (e) => (e.deployed ? short(e.runs) : 'not deployed') },
    { header: 'verified', cell: verifiedText },
    { header: 'since', cell: (e) => shortTime(e.since) },
    { header: 'last deploy', cell: (e) => e.lastDeploy ?? '-' },
    { header: 'upstream', cell: (e) => e.upstream ?? '-' },
    { header: 'waiting', cell: waitingText },
    { header: 'url', cell: (e) => e.url ?? '-' },
    ...(probe
      ? [{ header: 'smoke tests', cell: (e: EnvironmentStatus) => e.smokeTests ?? '-' }]
      : []),
    ...(drift ? [{ header: 'drift', cell: (e: EnvironmentStatus) => e.drift ?? '-' }] : []),
  ];
}

/** The status as a plain-text table, a line per environment, columns padded. */
export function statusTable(view: StatusView): string[] {
  const cols = columns(view);
  const rows = [
    cols.map((c) => c.header),
    ...view.environments.map((e) => cols.map((c) => c.cell(e))),
  ];
  return [...(view.engine ? [`engine: ${view.engine}`] : []), releaseLine(view), ...padded(rows)];
}

/** What the image stage released last. */
function releaseLine(view: StatusView): string {
  return view.release
    ? `${view.imageStage} released ${short(view.release)}`
    : `${view.imageStage} has released nothing yet`;
}

/** Every release the view shows, by id, with each image's full reference: what a person copies. */
function releaseList(view: StatusView): string[] {
  const releases = new Map<string, Release>();
  for (const release of [
    view.release,
    ...view.environments.flatMap((e) => [e.runs, e.verifiedRelease, e.waiting]),
  ]) {
    if (release) releases.set(releaseId(release), release);
  }
  return [...releases].flatMap(([id, release]) => [
    `- release \`${id}\`:`,
    ...Object.keys(release)
      .sort()
      .map((name) => `  - ${name}: \`${release[name]}\``),
  ]);
}

/** A Mermaid node id for a stage name (letters, digits and `_`). */
function nodeId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The status as Markdown for a CI job summary: the table, and a Mermaid graph of the promotion
 * chain with each stage's release (verified stages green, the others red, waiting releases on the
 * edges).
 */
export function statusMarkdown(view: StatusView): string {
  const cols = columns(view);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const table = [
    `| ${cols.map((c) => c.header).join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...view.environments.map((e) => `| ${cols.map((c) => escape(c.cell(e))).join(' | ')} |`),
  ];
  const graph = [
    'graph LR',
    `  ${nodeId(view.imageStage)}["${view.imageStage}<br/>${graphRelease(view.release)}"]`,
  ];
  for (const e of view.environments) {
    const state = !e.deployed ? 'not deployed' : e.verified ? 'verified' : 'not verified';
    graph.push(
      `  ${nodeId(e.environment)}["${e.environment}<br/>${graphRelease(e.runs)}<br/>${state}"]`,
    );
  }
  for (const e of view.environments) {
    if (!e.upstream) continue;
    const label = e.waiting ? `|"${e.waitingId ?? ''} waiting"|` : '';
    graph.push(`  ${nodeId(e.upstream)} -->${label} ${nodeId(e.environment)}`);
  }
  graph.push('  classDef verified fill:#d4edda,stroke:#28a745');
  graph.push('  classDef unverified fill:#f8d7da,stroke:#dc3545');
  const verified = view.environments
    .filter((e) => e.deployed && e.verified)
    .map((e) => nodeId(e.environment));
  const unverified = view.environments
    .filter((e) => !e.deployed || !e.verified)
    .map((e) => nodeId(e.environment));
  if (view.release) verified.unshift(nodeId(view.imageStage));
  if (verified.length > 0) graph.push(`  class ${verified.join(',')} verified`);
  if (unverified.length > 0) graph.push(`  class ${unverified.join(',')} unverified`);
  return [
    '## Delivery status',
    '',
    `${releaseLine(view)}.`,
    '',
    ...table,
    '',
    '```mermaid',
    ...graph,
    '```',
    '',
    ...(releaseList(view).length > 0 ? ['### Releases', '', ...releaseList(view), ''] : []),
  ].join('\n');
}

/** A release in a graph node: its id and each image's short digest, a line each. */
function graphRelease(release: Release | undefined): string {
  if (!release) return '-';
  return [
    `release ${releaseId(release)}`,
    ...Object.keys(release)
      .sort()
      .map((name) => `${name} ${shortDigest(release[name])}`),
  ].join('<br/>');
}

/** The history as a plain-text table, newest first. */
export function historyTable(deployments: readonly Deployment[]): string[] {
  const cols: { header: string; cell: (d: Deployment) => string }[] = [
    { header: 'started', cell: (d) => shortTime(d.started) },
    { header: 'environment', cell: (d) => d.environment },
    { header: 'release', cell: (d) => short(d.release) },
    { header: 'changed', cell: (d) => d.changed?.join(', ') || '-' },
    { header: 'from', cell: (d) => d.from },
    { header: 'outcome', cell: (d) => d.outcome },
    { header: 'took', cell: (d) => took(d) },
    { header: 'run', cell: (d) => d.run },
    // The record's line without its digests, which the row shows already.
    {
      header: 'approval',
      cell: (d) => (d.approval ? approvalComment(d.approval) : '') || '-',
    },
  ];
  return padded([cols.map((c) => c.header), ...deployments.map((d) => cols.map((c) => c.cell(d)))]);
}

/** Rows as aligned lines: the header, a rule under it, then the rest. */
function padded(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

/** An approval record's line without what it approves: its comment (who, when, the note). */
export function approvalComment(line: string): string {
  return line.replace(/^[^#]*(#\s*)?/, '');
}

function took(d: Deployment): string {
  if (!d.ended) return '-';
  const seconds = Math.round((Date.parse(d.ended) - Date.parse(d.started)) / 1000);
  return `${seconds}s`;
}
