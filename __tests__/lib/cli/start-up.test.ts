import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expectSuccess } from '../../helpers/cli';
import { deliveryProject } from '../../helpers/delivery-project';
import { start } from '../../helpers/project-copy';
import { PROJECT_ROOT } from '../../helpers/test-app';

const CLI = join(PROJECT_ROOT, 'node_modules', '.bin', 'cdktf-pipeline');

/**
 * The packages a Node process loaded, recorded as it exits by a module preloaded with
 * NODE_OPTIONS: one file per process (the CLI starts the app in a process of its own).
 */
const RECORDER = `
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
process.on('exit', () => {
  const packages = new Set();
  for (const file of Object.keys(require.cache)) {
    const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
    if (m) packages.add(m[1]);
  }
  writeFileSync(
    join(process.env.LOADED_DIR, 'loaded-' + process.pid + '.json'),
    JSON.stringify({ packages: [...packages].sort() }),
  );
});
`;

/** The framework, the provider bindings, the database driver and the YAML library. */
const HEAVY = ['@cdktf/provider-docker', 'cdktf', 'constructs', 'pg', 'yaml'];

let dir = '';
let records = '';

beforeAll(() => {
  dir = deliveryProject('cli-start-up-');
  records = mkdtempSync(join(tmpdir(), 'cli-loaded-'));
  writeFileSync(join(records, 'recorder.js'), RECORDER);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(records, { recursive: true, force: true });
});

/** Runs the CLI with the recorder; the packages its own process loaded. */
async function packagesLoadedBy(args: string[]): Promise<string[]> {
  const cli = start(
    CLI,
    args,
    { NODE_OPTIONS: `--require ${join(records, 'recorder.js')}`, LOADED_DIR: records },
    dir,
  );
  expectSuccess(await cli.result);
  // The wrapper in node_modules/.bin execs node: the process started is the CLI's.
  const record = JSON.parse(readFileSync(join(records, `loaded-${cli.pid}.json`), 'utf8')) as {
    packages: string[];
  };
  return record.packages;
}

describe('the CLI starts without the framework', () => {
  test.each([
    ['--version', ['--version']],
    ['status, which reads the states', ['status', '--json']],
    ['parity, which synthesizes the app and compares its stacks', ['parity']],
  ])(
    '%s: no cdktf, constructs, provider bindings, pg or yaml in its own process',
    async (_, args) => {
      const loaded = await packagesLoadedBy(args);
      expect(loaded).toContain('commander');
      expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
    },
  );
});
