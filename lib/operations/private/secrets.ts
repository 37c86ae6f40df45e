import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';

import { DEFAULTS, engineVariable, secretVariable } from '../../private/defaults';
import { DeliveryManifest, SecretManifest, StageManifest } from '../../schema/delivery-manifest';

import { OperationError } from './operation-error';
import { PASSPHRASE_ENV } from './state-engine';

/** The variable that names the folder of the secrets files. */
export const SECRETS_DIR_VARIABLE = 'PIPELINE_SECRETS_DIR';

/** The file in the secrets folder that holds the state passphrase. */
export const PASSPHRASE_FILE = 'state.passphrase';

/** The engine's variable of a secret: `TF_VAR_secret_<name in lowercase>`. */
export function secretEnvName(name: string): string {
  return engineVariable(secretVariable(name));
}

/**
 * Where a project's secrets files are: `PIPELINE_SECRETS_DIR`, else
 * `$XDG_CONFIG_HOME/cdktf-pipeline/<project folder name>` (`~/.config/...`). Never inside the
 * project: a value there could be committed.
 */
export function secretsDirectory(root: string): string {
  const given = process.env[SECRETS_DIR_VARIABLE];
  const config = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  const dir = resolve(given || join(config, 'cdktf-pipeline', basename(root)));
  const rel = relative(resolve(root), dir);
  if (!rel.startsWith('..') && !rel.startsWith('/')) {
    throw new OperationError(
      `${SECRETS_DIR_VARIABLE} is ${dir}, inside the project: secrets there could be committed.`,
      `Point ${SECRETS_DIR_VARIABLE} at a folder outside the project, e.g. ~/.config/cdktf-pipeline/${basename(root)}.`,
    );
  }
  return dir;
}

/**
 * Gives the state passphrase to this process (and so to every engine run it starts): from
 * `TF_VAR_state_passphrase` when set, else from `state.passphrase` in the secrets folder.
 */
export function loadStatePassphrase(root: string): string {
  const file = join(secretsDirectory(root), PASSPHRASE_FILE);
  if (!process.env[PASSPHRASE_ENV] && existsSync(file)) {
    process.env[PASSPHRASE_ENV] = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .trim();
  }
  return file;
}

/** The secrets file of a stage: `<name>.env`, and for a review environment `review.env` after it. */
function secretsFiles(dir: string, stage: StageManifest): string[] {
  const files = [join(dir, `${stage.name}.env`)];
  if (stage.review) files.push(join(dir, `${DEFAULTS.reviewPrefix.replace(/-$/, '')}.env`));
  return files;
}

/** `NAME=value` lines (`#` comments, blank lines and an `export ` prefix allowed). */
function parseSecretsFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (!m || /^\s*#/.test(line)) continue;
    let value = m[2].trim();
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    values.set(m[1], value);
  }
  return values;
}

/**
 * The engine variables of a stage's secrets (`TF_VAR_secret_<name>`), from the process's
 * environment first, then the stage's secrets file. A deploy without every value is refused,
 * naming what is missing (never a value); a destroy needs none (a missing one is left empty).
 */
export function secretsEnv(
  root: string,
  delivery: DeliveryManifest,
  stage: StageManifest,
  action: 'deploy' | 'destroy',
): { [name: string]: string } {
  const secrets = stage.kind === 'environment' ? (delivery.secrets ?? []) : [];
  if (secrets.length === 0) return {};
  const dir = secretsDirectory(root);
  const files = secretsFiles(dir, stage);
  const fromFile = new Map<string, string>();
  for (const file of [...files].reverse()) {
    if (existsSync(file)) {
      for (const [k, v] of parseSecretsFile(readFileSync(file, 'utf8'))) fromFile.set(k, v);
    }
  }
  const env: { [name: string]: string } = {};
  const missing: SecretManifest[] = [];
  for (const secret of secrets) {
    const variable = secretEnvName(secret.name);
    const value = process.env[variable] || fromFile.get(secret.name);
    if (value === undefined || value === '') {
      if (action === 'deploy') missing.push(secret);
      env[variable] = '';
    } else if (/[\n\r\0]/.test(value)) {
      throw new OperationError(
        `the secret ${secret.name} of ${stage.name} is more than one line; nothing was deployed.`,
        `Give it as one line in ${variable} or ${files[0]}.`,
      );
    } else {
      env[variable] = value;
    }
  }
  if (missing.length > 0) {
    throw new OperationError(
      `${stage.name} needs ${missing.length === 1 ? 'a secret that is' : 'secrets that are'} not given: ${missing.map((m) => `${m.name} (read by ${m.services.join(', ')})`).join('; ')}. Nothing was deployed.`,
      `Set ${missing.map((m) => secretEnvName(m.name)).join(', ')} in the environment, or add NAME=value lines to ${files.join(' or ')} (outside the repository).`,
    );
  }
  return env;
}
