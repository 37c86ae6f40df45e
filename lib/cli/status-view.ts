import { shortDigest } from '../private/digest';

import { Deployment, Outcome } from './history';

/** One environment in the status view. */
export interface EnvironmentStatus {
  readonly environment: string;
  /** Whether its state holds resources. */
  readonly deployed: boolean;
  /** The image its last deploy put in place, `<repository>@sha256:…`. */
  readonly runs?: string;
  /** The image it verified last (what it promotes). */
  readonly verifiedImage?: string;
  /** Whether what it runs is what it verified. */
  readonly verified: boolean;
  /** When it verified the image it runs (the first of its deploys of it since another). */
  readonly since?: string;
  /** The stage whose verified image it deploys. */
  readonly upstream?: string;
  /** The upstream's verified image, when it is not the one this environment verified. */
  readonly waiting?: string;
  /** For an environment that requires approval: whether the waiting image is approved. */
  readonly waitingApproved?: boolean;
  /** How its last deploy ended, by the history. */
  readonly lastDeploy?: Outcome;
  /** Its first published URL. */
  readonly url?: string;
  /** With --probe: `pass`, or what failed. */
  readonly smokeTests?: string;
  /** With --drift: `in sync`, or what drifted. */
  readonly drift?: string;
}

/** What `status` shows: the image stage's release and every environment in promotion order. */
export interface StatusView {
  readonly imageStage: string;
  /** The image the image stage verified last. */
  readonly release?: string;
  readonly environments: readonly EnvironmentStatus[];
}

/** An image's short digest, or `-` for none. */
function short(image: string | undefined): string {
  return image ? shortDigest(image) : '-';
}

/** An ISO time as `YYYY-MM-DD HH:MM UTC`. */
export function shortTime(iso: string | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : '-';
}

/**
 * When `environment` started running `image` verified: the first of its verified deploys of that
 * image since it last verified another one. Undefined when the history has no such deploy.
 */
export function verifiedSince(
  deployments: readonly Deployment[],
  environment: string,
  image: string | undefined,
): string | undefined {
  if (!image) return undefined;
  let since: string | undefined;
  for (const d of deployments) {
    if (d.environment !== environment || d.outcome !== 'verified') continue;
    if (d.image !== image) since = undefined;
    else since ??= d.ended ?? d.started;
  }
  return since;
}

/** `yes`; or `no`, with the digest it still promotes when it verified one before. */
function verifiedText(e: EnvironmentStatus): string {
  if (!e.deployed) return '-';
  if (e.verified) return 'yes';
  return e.verifiedImage ? `no, promotes ${short(e.verifiedImage)}` : 'no';
}

function waitingText(e: EnvironmentStatus): string {
  if (!e.waiting) return '-';
  const approval =
    e.waitingApproved === undefined ? '' : e.waitingApproved ? ' (approved)' : ' (not approved)';
  return `${short(e.waiting)}${approval}`;
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
  return [releaseLine(view), ...padded(rows)];
}

/** What the image stage released last. */
function releaseLine(view: StatusView, format = (digest: string) => digest): string {
  return view.release
    ? `${view.imageStage} released ${format(short(view.release))}`
    : `${view.imageStage} has released nothing yet`;
}

/** A Mermaid node id for a stage name (letters, digits and `_`). */
function nodeId(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The status as Markdown for a CI job summary: the table, and a Mermaid graph of the promotion
 * chain with each stage's digest (verified stages green, the others red, waiting digests on the
 * edges).
 */
export function statusMarkdown(view: StatusView): string {
  const cols = columns(view);
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const code = (cell: string) => (/^sha256:/.test(cell) ? `\`${cell}\`` : cell);
  const table = [
    `| ${cols.map((c) => c.header).join(' | ')} |`,
    `| ${cols.map(() => '---').join(' | ')} |`,
    ...view.environments.map((e) => `| ${cols.map((c) => escape(code(c.cell(e)))).join(' | ')} |`),
  ];
  const graph = [
    'graph LR',
    `  ${nodeId(view.imageStage)}["${view.imageStage}<br/>${short(view.release)}"]`,
  ];
  for (const e of view.environments) {
    const state = !e.deployed ? 'not deployed' : e.verified ? 'verified' : 'not verified';
    graph.push(`  ${nodeId(e.environment)}["${e.environment}<br/>${short(e.runs)}<br/>${state}"]`);
  }
  for (const e of view.environments) {
    if (!e.upstream) continue;
    const label = e.waiting ? `|"${waitingText(e)} waiting"|` : '';
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
    `${releaseLine(view, code)}.`,
    '',
    ...table,
    '',
    '```mermaid',
    ...graph,
    '```',
    '',
  ].join('\n');
}

/** The history as a plain-text table, newest first. */
export function historyTable(deployments: readonly Deployment[]): string[] {
  const cols: { header: string; cell: (d: Deployment) => string }[] = [
    { header: 'started', cell: (d) => shortTime(d.started) },
    { header: 'environment', cell: (d) => d.environment },
    { header: 'digest', cell: (d) => short(d.image) },
    { header: 'from', cell: (d) => d.from },
    { header: 'outcome', cell: (d) => d.outcome },
    { header: 'took', cell: (d) => took(d) },
    { header: 'run', cell: (d) => d.run },
    // The record's line without its digest, which the row shows already.
    {
      header: 'approval',
      cell: (d) => d.approval?.replace(/^sha256:[0-9a-f]+\s*(#\s*)?/, '') || '-',
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

function took(d: Deployment): string {
  if (!d.ended) return '-';
  const seconds = Math.round((Date.parse(d.ended) - Date.parse(d.started)) / 1000);
  return `${seconds}s`;
}
