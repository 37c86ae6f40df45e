import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

/**
 * An engine that records its calls and changes nothing: a script to put on
 * TERRAFORM_BINARY_NAME. Each call appends its arguments as one line to `calls()`.
 */
export function engineStandIn(): { readonly env: NodeJS.ProcessEnv; calls: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'engine-stand-in-'));
  const log = join(dir, 'calls');
  const script = join(dir, 'engine');
  writeFileSync(script, `#!/bin/sh\necho "$*" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return {
    env: { TERRAFORM_BINARY_NAME: script },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

/** The image the states of {@link writeDeployedState} run. */
export const DEPLOYED_IMAGE = `127.0.0.1:5000/sample@sha256:${'12'.repeat(32)}`;

/**
 * Writes a local state for `stack` in project `dir` as a deploy leaves it: a resource, the
 * release it pulled, its web service's URL and the verified image.
 */
export function writeDeployedState(dir: string, stack: string, port: number): void {
  mkdirSync(join(dir, '.pipeline', 'state'), { recursive: true });
  writeFileSync(
    join(dir, '.pipeline', 'state', `${stack}.tfstate`),
    JSON.stringify({
      version: 4,
      outputs: {
        web_url: { value: `http://127.0.0.1:${port}` },
        verified_image: { value: DEPLOYED_IMAGE },
      },
      resources: [{ type: 'docker_image', instances: [{ attributes: { name: DEPLOYED_IMAGE } }] }],
    }),
  );
}

/** Every file under `dir` (links not followed) with a hash of its content: to see that none changed. */
export function fingerprint(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) {
        files[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
      }
    }
  };
  walk(dir);
  return files;
}
