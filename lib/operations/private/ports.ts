import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { DEFAULTS } from '../../private/defaults';
import { runCollected } from '../../private/process';
import { DeliveryManifest, dockerNameOf, StageManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';

/** A host port an environment publishes a service on. */
export interface PublishedPort {
  readonly service: string;
  readonly address: string;
  readonly port: number;
}

/**
 * The host ports a synthesized environment stack publishes, from its variables file: each
 * published service's port, and on plain containers one more per further replica.
 */
export function publishedPorts(
  outdir: string,
  stage: StageManifest,
  delivery: DeliveryManifest,
): PublishedPort[] {
  const file = join(outdir, 'stacks', stage.name, 'terraform.tfvars.json');
  if (!existsSync(file)) return [];
  const values = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const address =
    typeof values.publish_address === 'string' ? values.publish_address : DEFAULTS.publishAddress;
  const ports: PublishedPort[] = [];
  for (const [key, value] of Object.entries(values)) {
    const service = /^(.+)_port$/.exec(key)?.[1];
    if (service === undefined || typeof value !== 'number') continue;
    const replicas = values[`${service}_replicas`];
    const span = delivery.target === 'swarm' || typeof replicas !== 'number' ? 1 : replicas;
    for (let i = 0; i < span; i++) ports.push({ service, address, port: value + i });
  }
  return ports;
}

/** Whether something listens on the address and port (binding it fails). */
function taken(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE'));
    server.listen({ host: address, port, exclusive: true }, () =>
      server.close(() => resolve(false)),
    );
  });
}

/**
 * The host ports the environment's own containers publish now (on Swarm, the tasks on this node:
 * `docker service ls` does not show host-mode ports).
 */
async function ownPorts(dockerName: string, cwd: string): Promise<Set<number>> {
  const result = await runCollected(
    'docker',
    [
      'ps',
      '--filter',
      `label=${DEFAULTS.environmentLabel}=${dockerName}`,
      '--format',
      '{{.Ports}}',
    ],
    { cwd, env: process.env },
  );
  return new Set([...result.output.matchAll(/:(\d+)->/g)].map((m) => Number(m[1])));
}

/**
 * Refuses a deploy whose published ports another process holds, before anything changes: on
 * plain containers the engine would remove the running containers first and then fail to start
 * the new ones. Ports the environment's own containers hold are its to reuse.
 */
export async function requireFreePorts(
  outdir: string,
  stage: StageManifest,
  delivery: DeliveryManifest,
  cwd: string,
): Promise<void> {
  const ports = publishedPorts(outdir, stage, delivery);
  if (ports.length === 0) return;
  const own = await ownPorts(dockerNameOf(stage), cwd);
  const busy: PublishedPort[] = [];
  for (const p of ports) {
    if (own.has(p.port)) continue;
    if (await taken(p.address, p.port)) busy.push(p);
  }
  if (busy.length === 0) return;
  const list = busy.map((p) => `${p.address}:${p.port} (service ${p.service})`).join(', ');
  const first = busy[0];
  throw new OperationError(
    `${stage.name} publishes on ${list}, which another process holds. Nothing was deployed; what runs keeps running.`,
    `Free the port (ss -ltnp 'sport = :${first.port}' names the process), or give services.${first.service}.port a free port in ${stage.name}'s environment config.`,
  );
}
