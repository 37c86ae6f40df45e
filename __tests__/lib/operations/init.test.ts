import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { Operations, ProgressEvent, UsageError } from '../../../lib/operations';

let parent: string;
beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), 'init-unit-'));
});
afterEach(() => rmSync(parent, { recursive: true, force: true }));

/** Every file under `dir`, relative to it, sorted. */
function filesIn(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

const FILES = [
  '.gitignore',
  'README.md',
  'approvals/prod.txt',
  'cdktf.json',
  'delivery.test.ts',
  'delivery.ts',
  'environments/dev.ts',
  'environments/prod.ts',
  'jest.config.js',
  'main.ts',
  'package.json',
  'service/Dockerfile',
  'service/www/cgi-bin/greeting',
  'service/www/index.html',
  'tsconfig.json',
];

describe('init', () => {
  test('writes the project into a new folder named after it, every placeholder filled', async () => {
    const root = join(parent, 'shop-front');
    const events: ProgressEvent[] = [];
    const result = await new Operations({ root, onProgress: (e) => events.push(e) }).init();
    expect(result).toEqual({ directory: root, name: 'shop-front', files: FILES });
    expect(filesIn(root)).toEqual(FILES);
    expect(events.map((e) => e.message)).toEqual([
      `wrote 15 files in ${root}`,
      'next: npm install, then npx cdktf-pipeline doctor (what a deploy needs), then npx cdktf-pipeline deploy',
    ]);
    const text = FILES.map((file) => readFileSync(join(root, file), 'utf8')).join('\n');
    expect(text).not.toMatch(/\{\{|\}\}/);
    expect(readFileSync(join(root, 'environments', 'dev.ts'), 'utf8')).toContain('port: 8080,');
    expect(readFileSync(join(root, 'environments', 'prod.ts'), 'utf8')).toContain('port: 8081,');
    expect(readFileSync(join(root, 'service', 'Dockerfile'), 'utf8')).toContain(
      'FROM busybox:1.37\n',
    );
    expect(readFileSync(join(root, 'delivery.ts'), 'utf8')).toContain("repository: 'shop-front',");
    expect(JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8'))).toMatchObject({
      projectId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    // The CGI script runs.
    expect(statSync(join(root, 'service', 'www', 'cgi-bin', 'greeting')).mode & 0o111).toBe(0o111);
  });

  test('package.json: this package and the versions of its peers it is tested with', async () => {
    const root = join(parent, 'p');
    await new Operations({ root }).init({ name: 'shop', port: 9000, baseImage: 'busybox:1.36' });
    const own = JSON.parse(readFileSync('package.json', 'utf8')) as {
      version: string;
      devDependencies: Record<string, string>;
    };
    const pin = own.devDependencies;
    expect(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).toEqual({
      name: 'shop',
      version: '0.1.0',
      private: true,
      scripts: {
        synth: 'cdktf synth',
        doctor: 'cdktf-pipeline doctor',
        deploy: 'cdktf-pipeline deploy',
        plan: 'cdktf-pipeline plan dev',
        status: 'cdktf-pipeline status',
        test: 'jest',
        lint: 'tsc --noEmit',
      },
      dependencies: {
        'cdktf-deployment-pipeline': `^${own.version}`,
        cdktf: pin.cdktf,
        constructs: pin.constructs,
        '@cdktf/provider-docker': pin['@cdktf/provider-docker'],
      },
      devDependencies: {
        'cdktf-cli': pin['cdktf-cli'],
        typescript: pin.typescript,
        jest: pin.jest,
        'ts-jest': pin['ts-jest'],
        '@types/jest': pin['@types/jest'],
        '@types/node': pin['@types/node'],
      },
    });
    expect(readFileSync(join(root, 'environments', 'prod.ts'), 'utf8')).toContain('port: 9001,');
    expect(readFileSync(join(root, 'service', 'Dockerfile'), 'utf8')).toContain(
      'FROM busybox:1.36\n',
    );
  });

  test('every problem at once, and nothing written: a bad name, port and image, and files in the way', async () => {
    const root = join(parent, 'Not_A_Name');
    mkdirSync(root);
    writeFileSync(join(root, 'main.ts'), 'mine\n');
    writeFileSync(join(root, 'notes.txt'), 'mine too\n');
    const init = new Operations({ root }).init({ port: 80, baseImage: 'Busybox latest' });
    await expect(init).rejects.toThrow(UsageError);
    await expect(init).rejects.toMatchObject({
      exitCode: 64,
      message:
        '4 problems; nothing was written:\n' +
        "  - init: 'name' must be lowercase letters, digits and -, starting with a letter, at most 40 characters (it names the npm package, the image repository and the containers), got 'Not_A_Name'. The folder's name does not fit: pass --name, e.g. --name hello.\n" +
        "  - init: 'port' must be a whole number from 1024 to 65534 (dev publishes on it, prod on the next one), got 80. Pass a free port, e.g. --port 8080.\n" +
        "  - init: 'baseImage' must be an image reference with busybox in it, got 'Busybox latest'. Pass one, e.g. --base-image busybox:1.37.\n" +
        `  - init: ${root} already holds main.ts, which init would write. Run init in an empty folder, or move them away.`,
      fix: 'Fix them and run init again.',
    });
    expect(filesIn(root)).toEqual(['main.ts', 'notes.txt']);
    expect(readFileSync(join(root, 'main.ts'), 'utf8')).toBe('mine\n');
  });

  test('a folder with other files is fine', async () => {
    const root = join(parent, 'existing');
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'LICENSE'), 'mine\n');
    await new Operations({ root }).init();
    expect(filesIn(root)).toEqual(['LICENSE', ...FILES].sort());
  });
});
