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

/** The release the states of {@link writeDeployedState} run: the sample's web and api. */
export const DEPLOYED_RELEASE = {
  api: `127.0.0.1:5000/sample-api@sha256:${'34'.repeat(32)}`,
  web: `127.0.0.1:5000/sample-web@sha256:${'12'.repeat(32)}`,
};

/**
 * Writes a local state for `stack` in project `dir` as a deploy leaves it: the images of the
 * release it pulled, its web service's URL and the verified release.
 */
export function writeDeployedState(dir: string, stack: string, port: number): void {
  mkdirSync(join(dir, '.pipeline', 'state'), { recursive: true });
  writeFileSync(
    join(dir, '.pipeline', 'state', `${stack}.tfstate`),
    JSON.stringify({
      version: 4,
      outputs: {
        web_url: { value: `http://127.0.0.1:${port}` },
        verified_release: { value: DEPLOYED_RELEASE },
      },
      resources: Object.entries(DEPLOYED_RELEASE).map(([image, name]) => ({
        type: 'docker_image',
        name: `Release-${image}`,
        instances: [{ attributes: { name } }],
      })),
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
