import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { App, Testing } from 'cdktf';

import {
  Approval,
  ConfigurationError,
  Delivery,
  DeliveryProps,
  DeploymentTarget,
  StateEncryption,
  VARIABLES_FILE,
} from '../../../lib';
import { PROJECT_ROOT, resources, synthJson } from '../../helpers/test-app';

/** A delivery of one published service that reads the secret API_TOKEN. */
function delivery(props: Partial<DeliveryProps> = {}): Delivery {
  return new Delivery(Testing.app(), 'Delivery', {
    image: { context: 'service/web', repository: 'app' },
    services: [{ name: 'web', port: 8080, published: true, secrets: ['API_TOKEN'] }],
    environments: [
      {
        name: 'qa',
        upstream: 'image',
        approval: Approval.none(),
        services: { web: { replicas: 2, port: 18080 } },
        source: 'environments/qa.ts',
      },
    ],
    projectRoot: PROJECT_ROOT,
    reviewIds: [],
    ...props,
  });
}

const ENCRYPTION = {
  key_provider: { pbkdf2: { pipeline: { passphrase: '${var.state_passphrase}' } } },
  method: { aes_gcm: { pipeline: { keys: '${key_provider.pbkdf2.pipeline}' } } },
  state: { method: 'method.aes_gcm.pipeline', enforced: true },
  plan: { method: 'method.aes_gcm.pipeline', enforced: true },
  remote_state_data_sources: { default: { method: 'method.aes_gcm.pipeline' } },
};

describe('StateEncryption and secrets', () => {
  test('a delivery with a secret encrypts every stack, enforced, with the passphrase as a sensitive variable', () => {
    const d = delivery();
    for (const stack of [d.image, ...d.environments]) {
      const json = synthJson(stack) as unknown as {
        terraform: { encryption: unknown };
        variable: Record<string, unknown>;
      };
      expect(json.terraform.encryption).toEqual(ENCRYPTION);
      expect(json.variable.state_passphrase).toEqual({
        type: 'string',
        description:
          'Passphrase of the state encryption (at least 16 characters): given by the deploying process, never recorded.',
        nullable: false,
        sensitive: true,
      });
    }
  });

  test('the secret is a sensitive variable without a value in the variables file; each container gets it', () => {
    const [qa] = delivery().environments;
    const json = synthJson(qa) as unknown as { variable: Record<string, unknown> };
    expect(json.variable.secret_api_token).toEqual({
      type: 'string',
      description: 'Secret API_TOKEN: given by the deploying process, never recorded.',
      nullable: false,
      sensitive: true,
    });
    const outdir = Testing.fullSynth(qa);
    const values = JSON.parse(
      readFileSync(join(outdir, 'stacks', 'qa', VARIABLES_FILE), 'utf8'),
    ) as object;
    expect(Object.keys(values)).not.toContain('secret_api_token');
    expect(Object.keys(values)).not.toContain('state_passphrase');
    const [web] = resources(qa, 'docker_container');
    expect(web.env).toBe(
      '${formatlist("%s=%s", keys(merge(merge(var.web_env, {"SERVICE_NAME" = "web"}), {"API_TOKEN" = var.secret_api_token})), values(merge(merge(var.web_env, {"SERVICE_NAME" = "web"}), {"API_TOKEN" = var.secret_api_token})))}',
    );
  });

  test('on Swarm, a Docker secret per value, mounted for the service user only', () => {
    const [qa] = delivery({ target: DeploymentTarget.swarm() }).environments;
    const [secret] = resources(qa, 'docker_secret');
    expect(secret).toMatchObject({
      name: '${var.name_prefix}${var.environment}-web-api-token-${substr(sha256(var.secret_api_token), 0, 12)}',
      data: '${base64encode(var.secret_api_token)}',
      lifecycle: { create_before_destroy: true },
    });
    const services = resources(qa, 'docker_service') as {
      task_spec: { container_spec: { env: string; secrets: unknown[] } };
    }[];
    for (const service of services) {
      expect(service.task_spec.container_spec.secrets).toEqual([
        {
          secret_id: expect.stringMatching(
            /^\$\{docker_secret\.Services_WebSecretApiToken_\w+\.id\}$/,
          ),
          secret_name: expect.stringMatching(
            /^\$\{docker_secret\.Services_WebSecretApiToken_\w+\.name\}$/,
          ),
          file_name: '/run/secrets/API_TOKEN',
          file_uid: '65534',
          file_gid: '65534',
          file_mode: 256,
        },
      ]);
      expect(service.task_spec.container_spec.env).toContain(
        '"API_TOKEN_FILE" = "/run/secrets/API_TOKEN"',
      );
    }
  });

  test('none() keeps plain state, by choice, even with a secret', () => {
    const d = delivery({ stateEncryption: StateEncryption.none() });
    for (const stack of [d.image, ...d.environments]) {
      const json = synthJson(stack) as unknown as {
        terraform: object;
        variable?: Record<string, unknown>;
      };
      expect(json.terraform).not.toHaveProperty('encryption');
      expect(json.variable ?? {}).not.toHaveProperty('state_passphrase');
    }
  });

  test('without secrets, state stays plain unless asked; passphrase() encrypts it anyway', () => {
    const withoutSecrets = (props: Partial<DeliveryProps>) =>
      new Delivery(Testing.app(), 'Delivery', {
        image: { context: 'service/web', repository: 'app' },
        services: [{ name: 'web', port: 8080 }],
        environments: [],
        projectRoot: PROJECT_ROOT,
        reviewIds: [],
        ...props,
      });
    const plain = withoutSecrets({});
    expect(synthJson(plain.image)).not.toHaveProperty('terraform.encryption');
    const asked = withoutSecrets({ stateEncryption: StateEncryption.passphrase() });
    expect(synthJson(asked.image)).toHaveProperty('terraform.encryption', ENCRYPTION);
  });

  test("passphrase({ iterations }) sets the key derivation's work in every stack and in the manifest the CLI reads", () => {
    const d = delivery({ stateEncryption: StateEncryption.passphrase({ iterations: 200_000 }) });
    for (const stack of [d.image, ...d.environments]) {
      expect(synthJson(stack)).toHaveProperty('terraform.encryption', {
        ...ENCRYPTION,
        key_provider: {
          pbkdf2: { pipeline: { passphrase: '${var.state_passphrase}', iterations: 200000 } },
        },
      });
    }
    const manifest = (of: Delivery) => {
      const app = of.node.root as App;
      app.synth();
      return JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as object;
    };
    expect(manifest(d)).toMatchObject({ stateEncrypted: true, stateEncryptionIterations: 200000 });
    expect(manifest(delivery())).not.toHaveProperty('stateEncryptionIterations');
  });

  test("passphrase({ hashFunction: 'sha256' }) sets PBKDF2's hash function in every stack and in the manifest", () => {
    const d = delivery({
      stateEncryption: StateEncryption.passphrase({ iterations: 200_000, hashFunction: 'sha256' }),
    });
    for (const stack of [d.image, ...d.environments]) {
      expect(synthJson(stack)).toHaveProperty('terraform.encryption.key_provider', {
        pbkdf2: {
          pipeline: {
            passphrase: '${var.state_passphrase}',
            iterations: 200000,
            hash_function: 'sha256',
          },
        },
      });
    }
    const app = d.node.root as App;
    app.synth();
    expect(
      JSON.parse(readFileSync(join(app.outdir, 'delivery.json'), 'utf8')) as object,
    ).toMatchObject({ stateEncryptionIterations: 200000, stateEncryptionHashFunction: 'sha256' });
  });

  test('a bad hash function and bad iterations are refused together, each named with its fix', () => {
    const untyped = StateEncryption.passphrase as (props: unknown) => StateEncryption;
    expect(() => untyped({ iterations: 1000, hashFunction: 'md5' })).toThrow(
      new ConfigurationError([
        "state encryption: 'iterations' must be a whole number from 200000 (the fewest OpenTofu accepts) to 10000000, got 1000. Leave it out for OpenTofu's default (600000), or give e.g. 200000.",
        "state encryption: 'hashFunction' must be one of 'sha256', 'sha512', got 'md5'. Leave it out for OpenTofu's default ('sha512'), or give 'sha256'.",
      ]),
    );
  });

  test.each([
    [199_999, '199999'],
    [10_000_001, '10000001'],
    [250_000.5, '250000.5'],
    [-1, '-1'],
  ])(
    'passphrase({ iterations: %d }) is refused, naming the range and the fix',
    (iterations, shown) => {
      expect(() => StateEncryption.passphrase({ iterations })).toThrow(
        new ConfigurationError([
          `state encryption: 'iterations' must be a whole number from 200000 (the fewest OpenTofu accepts) to 10000000, got ${shown}. Leave it out for OpenTofu's default (600000), or give e.g. 200000.`,
        ]),
      );
    },
  );

  test.each([
    [{ iterations: '200000' }, "'iterations' must be a number or left out, got '200000'"],
    [{ iterations: NaN }, "'iterations' must be a finite number or left out, got NaN"],
    [{ hashFunction: 256 }, "'hashFunction' must be a string or left out, got 256"],
    [null, "'props' must be an object, got null"],
  ])('passphrase(%p), as untyped JavaScript can pass it, is refused', (props, problem) => {
    const untyped = StateEncryption.passphrase as (props: unknown) => StateEncryption;
    expect(() => untyped(props)).toThrow(
      new ConfigurationError([
        `state encryption: ${problem}. Fix it in StateEncryption.passphrase().`,
      ]),
    );
  });
});
