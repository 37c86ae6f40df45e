import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { OperationError } from '../../../../lib/operations/private/operation-error';
import { secretsDirectory, secretsEnv } from '../../../../lib/operations/private/secrets';
import {
  isWrongPassphrase,
  PassphraseError,
  requireEncryption,
  wrongPassphrase,
} from '../../../../lib/operations/private/state-engine';
import { DeliveryManifest, StageManifest } from '../../../../lib/schema/delivery-manifest';

const root = '/srv/project';
const stage = (name: string, review = false): StageManifest => ({
  name,
  kind: 'environment',
  upstream: 'image',
  review,
  state: { backend: 'local', path: `${root}/.pipeline/state/${name}.tfstate` },
});
const delivery: DeliveryManifest = {
  version: 1,
  projectRoot: root,
  imageStage: 'image',
  reviewPrefix: 'review-',
  state: { backend: 'local', directory: `${root}/.pipeline/state` },
  secrets: [
    { name: 'API_TOKEN', services: ['api'] },
    { name: 'DB_PASSWORD', services: ['api', 'worker'] },
  ],
  stages: [],
  smokeTests: [],
};

/** The OperationError `f` throws, as `error` and `fix` lines. */
function cliError(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    if (error instanceof OperationError) return `${error.message}\nfix: ${error.fix}`;
    throw error;
  }
  throw new Error('no error, but one was expected');
}

let dir = '';
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'secrets-unit-'));
  process.env.PIPELINE_SECRETS_DIR = dir;
  delete process.env.TF_VAR_secret_api_token;
  delete process.env.TF_VAR_secret_db_password;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.env = { ...saved };
});

describe('secret values for a deploy', () => {
  test("from the stage's file: comments, export, quotes, a BOM and CRLF line ends", () => {
    writeFileSync(
      join(dir, 'staging.env'),
      '\uFEFF# staging\r\nexport API_TOKEN="a b"\r\nDB_PASSWORD=x=y\r\n',
    );
    expect(secretsEnv(root, delivery, stage('staging'), 'deploy')).toEqual({
      TF_VAR_secret_api_token: 'a b',
      TF_VAR_secret_db_password: 'x=y',
    });
  });

  test("the deploying process's environment wins over the file", () => {
    writeFileSync(join(dir, 'dev.env'), 'API_TOKEN=from-file\nDB_PASSWORD=p\n');
    process.env.TF_VAR_secret_api_token = 'from-env';
    expect(secretsEnv(root, delivery, stage('dev'), 'deploy')).toMatchObject({
      TF_VAR_secret_api_token: 'from-env',
    });
  });

  test('a review environment reads its own file, then review.env', () => {
    writeFileSync(join(dir, 'review.env'), 'API_TOKEN=shared\nDB_PASSWORD=shared-db\n');
    writeFileSync(join(dir, 'review-42.env'), 'API_TOKEN=own\n');
    expect(secretsEnv(root, delivery, stage('review-42', true), 'deploy')).toEqual({
      TF_VAR_secret_api_token: 'own',
      TF_VAR_secret_db_password: 'shared-db',
    });
  });

  test('the image stage needs none', () => {
    expect(secretsEnv(root, delivery, { ...stage('image'), kind: 'image' }, 'deploy')).toEqual({});
  });

  test('missing values: one error naming each secret and where to give it, no value', () => {
    writeFileSync(join(dir, 'prod.env'), 'API_TOKEN=\n');
    expect(cliError(() => secretsEnv(root, delivery, stage('prod'), 'deploy'))).toBe(
      'prod needs secrets that are not given: API_TOKEN (read by api); DB_PASSWORD (read by api, worker). Nothing was deployed.\n' +
        `fix: Set TF_VAR_secret_api_token, TF_VAR_secret_db_password in the environment, or add NAME=value lines to ${dir}/prod.env (outside the repository).`,
    );
  });

  test('a destroy needs no value: missing ones are left empty', () => {
    expect(secretsEnv(root, delivery, stage('prod'), 'destroy')).toEqual({
      TF_VAR_secret_api_token: '',
      TF_VAR_secret_db_password: '',
    });
  });

  test('a value of more than one line is refused without showing it', () => {
    process.env.TF_VAR_secret_api_token = 'line1\nline2';
    process.env.TF_VAR_secret_db_password = 'p';
    const message = cliError(() => secretsEnv(root, delivery, stage('dev'), 'deploy'));
    expect(message).toBe(
      'the secret API_TOKEN of dev is more than one line; nothing was deployed.\n' +
        `fix: Give it as one line in TF_VAR_secret_api_token or ${dir}/dev.env.`,
    );
  });

  test('a secrets folder inside the project is refused', () => {
    process.env.PIPELINE_SECRETS_DIR = `${root}/secrets`;
    expect(cliError(() => secretsDirectory(root))).toBe(
      `PIPELINE_SECRETS_DIR is ${root}/secrets, inside the project: secrets there could be committed.\n` +
        'fix: Point PIPELINE_SECRETS_DIR at a folder outside the project, e.g. ~/.config/cdktf-pipeline/project.',
    );
  });

  test('by default the folder is under the user configuration, named after the project', () => {
    delete process.env.PIPELINE_SECRETS_DIR;
    process.env.XDG_CONFIG_HOME = '/home/me/.config';
    expect(secretsDirectory(root)).toBe('/home/me/.config/cdktf-pipeline/project');
  });
});

describe('the state passphrase', () => {
  test('missing', () => {
    delete process.env.TF_VAR_state_passphrase;
    expect(cliError(() => requireEncryption('/home/me/state.passphrase'))).toBe(
      'the delivery encrypts its state, and no passphrase is given (neither TF_VAR_state_passphrase nor /home/me/state.passphrase). Nothing was read or changed.\n' +
        'fix: Set TF_VAR_state_passphrase, or write the passphrase (at least 16 characters) to /home/me/state.passphrase.',
    );
  });

  test('too short for the engine', () => {
    process.env.TF_VAR_state_passphrase = 'short';
    expect(cliError(() => requireEncryption('/home/me/state.passphrase'))).toBe(
      'the state passphrase has 5 characters; OpenTofu needs at least 16. Nothing was read or changed.\n' +
        'fix: Use a longer passphrase in TF_VAR_state_passphrase or /home/me/state.passphrase.',
    );
  });

  test('wrong: told by what the engine prints, and named with the state and where it came from', () => {
    // The engine's own lines when a passphrase does not decrypt a state (OpenTofu 1.12).
    const engineSaid =
      'Error: Error acquiring the state lock\n\nError message: failed to write backup file: decryption failed for all\nprovided methods\nattempted decryption failed for state: decryption failed: cipher: message\nauthentication failed\n';
    expect(isWrongPassphrase(engineSaid)).toBe(true);
    expect(isWrongPassphrase('Error: Error acquiring the state lock\nLock Info:\n  ID: 1\n')).toBe(
      false,
    );
    const error = wrongPassphrase(stage('dev').state, '/home/me/state.passphrase');
    expect(error).toBeInstanceOf(PassphraseError);
    expect(
      cliError(() => {
        throw error;
      }),
    ).toBe(
      'the state at /srv/project/.pipeline/state/dev.tfstate is encrypted, and the passphrase given (TF_VAR_state_passphrase, else /home/me/state.passphrase) does not decrypt it. Nothing was changed.\n' +
        'fix: Give the passphrase this state was encrypted with.',
    );
  });
});
