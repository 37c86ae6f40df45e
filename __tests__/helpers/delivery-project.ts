import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PROJECT_ROOT } from './test-app';

/** The digest that staging verified in a {@link deliveryProject}. */
export const STAGING_DIGEST = `sha256:${'ab'.repeat(32)}`;

/**
 * A temporary cdktf project with a real delivery (staging, then prod behind an approval), an
 * empty approval record for prod and a staging state that verified STAGING_DIGEST: what the CLI's
 * approval and promotion checks read. Nothing is deployed. Returns its folder.
 */
export function deliveryProject(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(dir, 'node_modules'));
  mkdirSync(join(dir, 'service'));
  writeFileSync(join(dir, 'service', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(
    join(dir, 'cdktf.json'),
    JSON.stringify({ app: `node ${join(PROJECT_ROOT, 'scripts', 'synth.js')} main.ts` }),
  );
  writeFileSync(
    join(dir, 'main.ts'),
    [
      "import { App } from 'cdktf';",
      `import { Approval, Delivery } from '${join(PROJECT_ROOT, 'lib')}';`,
      'const app = new App();',
      "const env = (name: string, upstream: string, port: number, approval: Approval) => ({ name, upstream, approval, services: { web: { replicas: 1, port } }, source: 'main.ts' });",
      "new Delivery(app, 'Delivery', {",
      "  image: { context: 'service', repository: 'app' },",
      "  services: [{ name: 'web', port: 8080, published: true }],",
      "  environments: [env('staging', 'image', 18080, Approval.none()), env('prod', 'staging', 18180, Approval.required('approvals/prod.txt'))],",
      '});',
      'app.synth();',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'approvals'));
  writeFileSync(join(dir, 'approvals', 'prod.txt'), '# approved digests\n');
  mkdirSync(join(dir, '.pipeline', 'state'), { recursive: true });
  writeFileSync(
    join(dir, '.pipeline', 'state', 'staging.tfstate'),
    JSON.stringify({
      outputs: { verified_image: { value: `127.0.0.1:5000/app@${STAGING_DIGEST}` } },
    }),
  );
  return dir;
}
