import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { packPackage, sh } from './cli';
import { PROJECT_ROOT } from './test-app';

/**
 * Makes `dir` the project of __tests__/fixtures/consumer, as a team outside this repository has
 * it: the package packed with `npm pack` and installed from the tarball, beside the framework at
 * this repository's pins (and `extraDevDependencies`, also at its pins), `npm install`ed offline
 * where the npm cache allows. Throws with npm's output when a step fails.
 */
export async function consumerProject(
  dir: string,
  extraDevDependencies: readonly string[] = [],
): Promise<void> {
  cpSync(join(PROJECT_ROOT, '__tests__', 'fixtures', 'consumer'), dir, { recursive: true });
  const tarball = await packPackage(dir);
  // The project pins what this repository pins; the package brings only its own dependencies.
  const pins = (
    JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    }
  ).devDependencies;
  const pick = (...names: string[]) => Object.fromEntries(names.map((n) => [n, pins[n]]));
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'hello-delivery',
        version: '1.0.0',
        private: true,
        'cdktf-pipeline': { pipeline: 'pipeline.ts' },
        dependencies: {
          'cdktf-deployment-pipeline': `file:./${tarball}`,
          ...pick('cdktf', 'constructs', '@cdktf/provider-docker'),
        },
        devDependencies: pick(
          'cdktf-cli',
          'typescript',
          'ts-node',
          'jest',
          'ts-jest',
          '@types/jest',
          '@types/node',
          ...extraDevDependencies,
        ),
      },
      null,
      2,
    ),
  );
  const install = await sh(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {},
    dir,
  );
  if (install.code !== 0) throw new Error(`npm install in ${dir} failed:\n${install.output}`);
}
