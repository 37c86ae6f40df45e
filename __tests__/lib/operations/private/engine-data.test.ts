import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { EngineData } from '../../../../lib/operations/private/engine-data';

const ENGINE = '/opt/tofu OpenTofu v1.12.6';
let work: string;
let stackDir: string;

/** A synthesized stack folder whose configuration has `terraform` and `resource` blocks. */
function synthesized(terraform: object, resource: object = {}): void {
  writeFileSync(join(stackDir, 'cdk.tf.json'), JSON.stringify({ terraform, resource }));
}

/** What a successful init leaves: the lock file beside the configuration, data in TF_DATA_DIR. */
function initIn(dataDir: string): void {
  mkdirSync(join(dataDir, 'providers'), { recursive: true });
  writeFileSync(join(stackDir, '.terraform.lock.hcl'), '# lock\n');
}

const LOCAL = { backend: { local: { path: '/state/dev.tfstate' } } };

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'engine-data-'));
  stackDir = join(work, 'out', 'stacks', 'dev');
  mkdirSync(stackDir, { recursive: true });
  synthesized(LOCAL);
});

afterEach(() => rmSync(work, { recursive: true, force: true }));

describe('EngineData', () => {
  test('not initialised until an init is kept; then the next run uses it, with its lock file', () => {
    const first = EngineData.of(work, 'dev', stackDir, ENGINE);
    expect(first.initialised).toBe(false);
    const fresh = first.fresh();
    initIn(fresh);
    first.keep();

    const next = EngineData.of(work, 'dev', stackDir, ENGINE);
    expect(next.directory).toBe(first.directory);
    expect(next.initialised).toBe(true);
    rmSync(join(stackDir, '.terraform.lock.hcl'));
    expect(next.use()).toBe(join(next.directory, 'data'));
    expect(existsSync(join(stackDir, '.terraform.lock.hcl'))).toBe(true);
    expect(existsSync(join(next.directory, 'data', 'providers'))).toBe(true);
  });

  test('named by what init depends on: the terraform block and the engine, not the resources', () => {
    const base = EngineData.of(work, 'dev', stackDir, ENGINE).directory;
    synthesized(LOCAL, { docker_container: { api: { name: 'dev-api-0' } } });
    expect(EngineData.of(work, 'dev', stackDir, ENGINE).directory).toBe(base);

    expect(EngineData.of(work, 'dev', stackDir, '/opt/tofu OpenTofu v1.12.7').directory).not.toBe(
      base,
    );
    synthesized({ backend: { pg: { schema_name: 'cdktf_pipeline_dev' } } });
    expect(EngineData.of(work, 'dev', stackDir, ENGINE).directory).not.toBe(base);
    synthesized({ ...LOCAL, encryption: { state: { enforced: true } } });
    expect(EngineData.of(work, 'dev', stackDir, ENGINE).directory).not.toBe(base);
  });

  test("keeping an init removes the stack's data for other configurations, not other stacks'", () => {
    const old = EngineData.of(work, 'dev', stackDir, ENGINE);
    initIn(old.fresh());
    old.keep();
    const review = EngineData.of(work, 'dev-2', stackDir, ENGINE);
    initIn(review.fresh());
    review.keep();

    synthesized({ backend: { pg: { schema_name: 'cdktf_pipeline_dev' } } });
    const changed = EngineData.of(work, 'dev', stackDir, ENGINE);
    initIn(changed.fresh());
    changed.keep();

    expect(readdirSync(join(work, 'engine')).sort()).toEqual(
      [changed.directory, review.directory]
        .map((d) => d.slice(join(work, 'engine').length + 1))
        .sort(),
    );
  });

  test('a failed init is discarded; forgetting drops the kept data', () => {
    const data = EngineData.of(work, 'dev', stackDir, ENGINE);
    data.fresh();
    data.discard();
    expect(readdirSync(join(work, 'engine'))).toEqual([]);

    initIn(data.fresh());
    data.keep();
    expect(data.initialised).toBe(true);
    data.forget();
    expect(data.initialised).toBe(false);
  });
});
