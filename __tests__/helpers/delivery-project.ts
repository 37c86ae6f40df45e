import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PROJECT_ROOT } from './test-app';

/** The digest of the first image of the release that staging verified in a {@link deliveryProject}. */
export const STAGING_DIGEST = `sha256:${'ab'.repeat(32)}`;

/** The digest of the api image of the release that staging verified, when the delivery has two. */
export const STAGING_API_DIGEST = `sha256:${'ef'.repeat(32)}`;

/** The release that staging verified in a {@link deliveryProject} of these images. */
export function stagingRelease(images: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    images.map((name, i) => [
      name,
      `127.0.0.1:5000/${name}@${i === 0 ? STAGING_DIGEST : STAGING_API_DIGEST}`,
    ]),
  );
}

/**
 * A temporary cdktf project with a real delivery (staging, then prod behind an approval), an
 * empty approval record for prod and a staging state that verified a release: what the CLI's
 * approval and promotion checks read. Nothing is deployed. The delivery builds one image (`image`,
 * named 'app'), or, given `images` (e.g. ['web', 'api']), one of each, the first run by web.
 * Returns its folder.
 */
export function deliveryProject(prefix: string, images?: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  for (const name of images ?? ['service']) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'Dockerfile'), 'FROM scratch\n');
  }
  writeFileSync(
    join(dir, 'cdktf.json'),
    JSON.stringify({ app: `node ${join(PROJECT_ROOT, 'bin', 'cdktf-pipeline-app.js')} main.ts` }),
  );
  const build = images
    ? `  images: { ${images.map((name) => `'${name}': { context: '${name}', repository: '${name}' }`).join(', ')} },`
    : "  image: { context: 'service', repository: 'app' },";
  writeFileSync(
    join(dir, 'main.ts'),
    [
      "import { App } from 'cdktf';",
      `import { Approval, Delivery } from '${join(PROJECT_ROOT, 'lib')}';`,
      'const app = new App();',
      "const env = (name: string, upstream: string, port: number, approval: Approval) => ({ name, upstream, approval, services: { web: { replicas: 1, port } }, source: 'main.ts' });",
      "new Delivery(app, 'Delivery', {",
      build,
      `  services: [{ name: 'web', port: 8080, published: true${images ? `, image: '${images[0]}'` : ''} }],`,
      "  environments: [env('staging', 'image', 18080, Approval.none()), env('prod', 'staging', 18180, Approval.required('approvals/prod.txt'))],",
      '});',
      'app.synth();',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'approvals'));
  writeFileSync(join(dir, 'approvals', 'prod.txt'), '# approved releases\n');
  mkdirSync(join(dir, '.pipeline', 'state'), { recursive: true });
  writeFileSync(
    join(dir, '.pipeline', 'state', 'staging.tfstate'),
    JSON.stringify({
      outputs: { verified_release: { value: stagingRelease(images ?? ['app']) } },
    }),
  );
  return dir;
}
