/**
 * npm run bench:availability: what callers see while a new digest deploys to staging, on each
 * deployment target of one Docker engine. In a copy of this project it deploys image, dev and
 * staging, builds a new digest, then deploys staging again while two clients call web every
 * 100 ms: one on staging's network calling it by name (as another service would), one on this
 * machine at staging's published port. Writes bench/availability.md. Counts, not timings in tests.
 *   npm run bench:availability                  both targets
 *   npm run bench:availability -- containers    one of them (containers or swarm)
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

import { projectCopy } from '../__tests__/helpers/project-copy';
import { SAMPLE_ROOT } from '../stacks/sample-delivery';

const ROOT = SAMPLE_ROOT;
const BASE_IMAGE = 'cdktf-pipeline/busybox:1.35';
const STAGING_URL = 'http://127.0.0.1:8180/cgi-bin/version';
const INTERVAL_MS = 100;
type Target = 'containers' | 'swarm';

function log(message: string): void {
  console.log(`[availability] ${message}`);
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): string {
  return execFileSync(command, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** One client's answers, in order: the build it got, or 'failed', and when (ms). */
interface Observed {
  readonly answers: string[];
  readonly at: number[];
}

interface Row {
  readonly target: Target;
  readonly client: string;
  readonly deploySeconds: number;
  readonly observed: Observed;
}

/**
 * The counts, and the longest time without an answer: from the last answer before a run of
 * failures to the first answer after it (0 when nothing failed).
 */
function summary(o: Observed): { requests: number; failed: number; gapMs: number; builds: number } {
  let gapMs = 0;
  let lastOk: number | undefined;
  let failing = false;
  o.answers.forEach((a, i) => {
    if (a === 'failed') {
      failing = true;
      return;
    }
    if (failing) gapMs = Math.max(gapMs, o.at[i] - (lastOk ?? o.at[0]));
    failing = false;
    lastOk = o.at[i];
  });
  return {
    requests: o.answers.length,
    failed: o.answers.filter((a) => a === 'failed').length,
    gapMs,
    builds: new Set(o.answers.filter((a) => a !== 'failed')).size,
  };
}

function get(url: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body.trim() : 'failed'));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve('failed'));
    req.end();
  });
}

/** Calls `url` from this machine every INTERVAL_MS until stopped. */
function hostClient(url: string): () => Promise<Observed> {
  const answers: string[] = [];
  const at: number[] = [];
  let going = true;
  const loop = (async () => {
    while (going) {
      answers.push(await get(url));
      at.push(Date.now());
      await new Promise((r) => setTimeout(r, INTERVAL_MS));
    }
  })();
  return async () => {
    going = false;
    await loop;
    return { answers, at };
  };
}

/** A container on `network` calling web by name every INTERVAL_MS until stopped. */
function networkClient(network: string): () => Promise<Observed> {
  const name = `bench-availability-client`;
  run('docker', ['rm', '-f', name], ROOT);
  const script = [
    'n=0',
    'while [ ! -f /stop ] && [ "$n" -lt 6000 ]; do',
    '  n=$((n + 1))',
    '  b=$(timeout 2 wget -q -O - http://web:8080/cgi-bin/version 2>/dev/null) || b=failed',
    '  read -r up _ </proc/uptime',
    '  echo "$up ${b:-failed}"',
    '  sleep 0.1',
    'done',
  ].join('\n');
  run(
    'docker',
    ['run', '-d', '--name', name, '--network', network, BASE_IMAGE, 'sh', '-c', script],
    ROOT,
  );
  return () => {
    run('docker', ['exec', name, 'touch', '/stop'], ROOT);
    run('docker', ['wait', name], ROOT);
    const lines = run('docker', ['logs', name], ROOT)
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' '));
    run('docker', ['rm', '-f', name], ROOT);
    return Promise.resolve({
      answers: lines.map((l) => l[1]),
      at: lines.map((l) => Math.round(Number(l[0]) * 1000)),
    });
  };
}

function cli(dir: string, env: NodeJS.ProcessEnv, ...args: string[]): void {
  log(`cdktf-pipeline ${args.join(' ')}`);
  run(join(dir, 'node_modules', '.bin', 'cdktf-pipeline'), args, dir, env);
}

async function measureTarget(target: Target): Promise<Row[]> {
  const dir = await projectCopy('bench-availability-');
  const env: NodeJS.ProcessEnv = {
    PIPELINE_TARGET: target,
    PIPELINE_STATE: 'local',
    PIPELINE_REVIEW_IDS: '',
  };
  let madeSwarm = false;
  try {
    if (
      target === 'swarm' &&
      run('docker', ['info', '--format', '{{.Swarm.LocalNodeState}}'], ROOT) === 'inactive'
    ) {
      run('docker', ['swarm', 'init', '--advertise-addr', '127.0.0.1'], ROOT);
      madeSwarm = true;
    }
    cli(dir, env, 'deploy', 'image', 'dev', 'staging');
    const index = join(dir, 'service', 'web', 'www', 'index.html');
    writeFileSync(index, `${readFileSync(index, 'utf8')}<!-- availability benchmark -->\n`);
    cli(dir, env, 'deploy', 'image', 'dev');

    const stopNetwork = networkClient('staging-net');
    const stopHost = hostClient(STAGING_URL);
    await new Promise((r) => setTimeout(r, 1000));
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      log(`cdktf-pipeline deploy staging (${target}), clients calling`);
      const child = spawn(
        join(dir, 'node_modules', '.bin', 'cdktf-pipeline'),
        ['deploy', 'staging'],
        {
          cwd: dir,
          env: { ...process.env, ...env },
          stdio: 'ignore',
        },
      );
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`deploy staging exited ${code}`)),
      );
    });
    const deploySeconds = (Date.now() - started) / 1000;
    await new Promise((r) => setTimeout(r, 1000));
    const network = await stopNetwork();
    const host = await stopHost();
    return [
      { target, client: 'by name on the network', deploySeconds, observed: network },
      { target, client: 'at the published port', deploySeconds, observed: host },
    ];
  } finally {
    try {
      cli(dir, env, 'teardown', '--yes');
    } catch (error) {
      log(`teardown failed: ${(error as Error).message}`);
    }
    if (madeSwarm) {
      for (
        let i = 0;
        i < 30 &&
        run('docker', ['ps', '-aq', '--filter', 'label=cdktf-pipeline.environment'], ROOT);
        i++
      ) {
        await new Promise((r) => setTimeout(r, 1000));
      }
      run('docker', ['swarm', 'leave', '--force'], ROOT);
      try {
        run('docker', ['network', 'rm', 'docker_gwbridge'], ROOT);
      } catch {
        // not made
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const asked = process.argv
    .slice(2)
    .filter((a): a is Target => a === 'containers' || a === 'swarm');
  const targets: Target[] = asked.length > 0 ? asked : ['containers', 'swarm'];
  const rows: Row[] = [];
  for (const target of targets) rows.push(...(await measureTarget(target)));
  const lines = [
    '# Availability during a deploy',
    '',
    `Written by \`npm run bench:availability\` on ${new Date().toISOString().slice(0, 10)}.`,
    '',
    'A new digest deployed to staging (web: 2 replicas, api: 1) on one Docker engine, while two',
    `clients call web's \`/cgi-bin/version\` every ${INTERVAL_MS} ms (2 s timeout): one on staging's network by`,
    "name, as another service would, and one on this machine at staging's published port. A failed",
    'request is a refused connection, a timeout or a status other than 200; the longest time without',
    'an answer runs from the last answer before a run of failures to the first one after it.',
    '',
    '| target | client | requests | failed | longest without an answer | builds seen | deploy |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => {
      const s = summary(r.observed);
      return `| ${r.target} | ${r.client} | ${s.requests} | ${s.failed} | ${(s.gapMs / 1000).toFixed(1)} s | ${s.builds} | ${r.deploySeconds.toFixed(0)} s |`;
    }),
    '',
  ];
  writeFileSync(join(ROOT, 'bench', 'availability.md'), `${lines.join('\n')}\n`);
  for (const line of lines.slice(-rows.length - 1)) log(line);
  log('wrote bench/availability.md');
}

main().catch((error: Error) => {
  console.error(`[availability] error: ${error.message}`);
  process.exitCode = 1;
});
