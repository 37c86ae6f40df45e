import { randomUUID } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';

import { invalidValue } from '../private/errors';

import { UsageError } from './private/operation-error';
import { Project } from './private/project';

/** What `Operations.init` writes. */
export interface InitOptions {
  /**
   * The project's name: its npm package, its image repository and the prefix of its container
   * names. Lowercase letters, digits and `-`, starting with a letter.
   * @default - the folder's name
   */
  readonly name?: string;
  /**
   * The host port dev publishes its service on; prod takes the next one.
   * @default 8080
   */
  readonly port?: number;
  /**
   * The base image of the service's Dockerfile: any image with busybox (its `httpd` serves the
   * service). Where no registry can be reached, name one the Docker host has.
   * @default 'busybox:1.37'
   */
  readonly baseImage?: string;
}

/** What `Operations.init` wrote. */
export interface InitResult {
  /** The project's folder. */
  readonly directory: string;
  /** The project's name. */
  readonly name: string;
  /** Every file it wrote, relative to the folder, sorted. */
  readonly files: readonly string[];
}

/** The defaults of {@link InitOptions}. */
export const INIT_DEFAULTS: {
  /** dev's host port. */
  readonly port: number;
  /** The service's base image. */
  readonly baseImage: string;
} = { port: 8080, baseImage: 'busybox:1.37' };

/** The package's own folder: two up from lib/operations/ and from dist/operations/. */
const PACKAGE_ROOT = join(__dirname, '..', '..');

/** The scaffold's files, as they ship with the package; `{{placeholders}}` filled in. */
const TEMPLATE = join(PACKAGE_ROOT, 'templates', 'init');

/** npm leaves `.gitignore` out of packages: the template ships it under another name. */
const RENAMED: { readonly [file: string]: string } = { _gitignore: '.gitignore' };

/** What the scaffold's package.json takes from the package's own pins. */
const DEPENDENCIES = ['cdktf', 'constructs', '@cdktf/provider-docker'];
const DEV_DEPENDENCIES = [
  'cdktf-cli',
  'typescript',
  'jest',
  'ts-jest',
  '@types/jest',
  '@types/node',
];

/**
 * Writes a new project into the folder (created when missing): a package.json that depends on
 * this package and its peers, cdktf.json, tsconfig.json, `main.ts`, a delivery of one image with
 * two environments (dev, then prod behind an approval), the service with its Dockerfile, and a
 * jest test with the parity matcher and a plan snapshot. `cdktf-pipeline deploy` deploys it as it
 * stands once `npm install` ran. Every option is checked, and no file is overwritten, before
 * anything is written.
 */
export async function init(project: Project, options: InitOptions = {}): Promise<InitResult> {
  const out = project.progress('init');
  const directory = project.root;
  const name = options.name ?? basename(directory);
  const port = options.port ?? INIT_DEFAULTS.port;
  const baseImage = options.baseImage ?? INIT_DEFAULTS.baseImage;
  const templates = templateFiles(TEMPLATE);
  const files = [...templates.map(target), 'package.json'].sort();

  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(name) || name.endsWith('-')) {
    problems.push(
      invalidValue(
        'init',
        'name',
        'must be lowercase letters, digits and -, starting with a letter, at most 40 characters (it names the npm package, the image repository and the containers)',
        name,
        options.name === undefined
          ? `The folder's name does not fit: pass --name, e.g. --name hello.`
          : 'Pass another, e.g. --name hello.',
      ),
    );
  }
  if (!Number.isInteger(port) || port < 1024 || port > 65534) {
    problems.push(
      invalidValue(
        'init',
        'port',
        'must be a whole number from 1024 to 65534 (dev publishes on it, prod on the next one)',
        port,
        'Pass a free port, e.g. --port 8080.',
      ),
    );
  }
  if (!/^[a-z0-9][a-z0-9._/:@-]*$/.test(baseImage)) {
    problems.push(
      invalidValue(
        'init',
        'baseImage',
        'must be an image reference with busybox in it',
        baseImage,
        'Pass one, e.g. --base-image busybox:1.37.',
      ),
    );
  }
  const taken = files.filter((file) => existsSync(join(directory, file)));
  if (taken.length > 0) {
    problems.push(
      `init: ${directory} already holds ${taken.join(', ')}, which init would write. Run init in an empty folder, or move them away.`,
    );
  }
  if (problems.length > 0) {
    throw new UsageError(
      `${problems.length === 1 ? '1 problem' : `${problems.length} problems`}; nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
      'Fix them and run init again.',
    );
  }

  const values: { readonly [placeholder: string]: string } = {
    name,
    devPort: String(port),
    prodPort: String(port + 1),
    baseImage,
    projectId: randomUUID(),
  };
  for (const file of templates) {
    const to = join(directory, target(file));
    mkdirSync(dirname(to), { recursive: true });
    const text = readFileSync(join(TEMPLATE, file), 'utf8');
    writeFileSync(
      to,
      text.replace(/\{\{(\w+)\}\}/g, (match, key: string) => values[key] ?? match),
    );
    // CGI scripts run: they keep the mode they have in the package.
    if (statSync(join(TEMPLATE, file)).mode & 0o111) chmodSync(to, 0o755);
  }
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(packageJson(name), null, 2)}\n`);
  out.log(`wrote ${files.length} files in ${directory}`);
  out.log(
    'next: npm install, then npx cdktf-pipeline doctor (what a deploy needs), then npx cdktf-pipeline deploy',
  );
  return { directory, name, files };
}

/** Every file under `dir`, relative to it. */
function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

/** Where a template file goes in the project. */
function target(file: string): string {
  return RENAMED[file] ?? file;
}

/** The project's package.json: this package and the versions of its peers it was tested with. */
function packageJson(name: string): object {
  const own = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
    peerDependencies: { [name: string]: string };
    devDependencies?: { [name: string]: string };
  };
  const pin = (dependency: string) =>
    own.devDependencies?.[dependency] ?? own.peerDependencies[dependency] ?? 'latest';
  const pins = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, pin(n)]));
  return {
    name,
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
    dependencies: { [own.name]: `^${own.version}`, ...pins(DEPENDENCIES) },
    devDependencies: pins(DEV_DEPENDENCIES),
  };
}
