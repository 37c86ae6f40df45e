import { knownFailure } from '../../../../lib/operations/private/known-failures';
import { StageManifest } from '../../../../lib/schema/delivery-manifest';

/** Log lines as the engine writes them into the CLI's log (taken from real failed deploys). */
const ENGINE_LOST = [
  'docker_container.Services_Web_00C5A910[0]: Creating...',
  'Error: Unable to start container: error during connect: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/7c93/start": EOF',
  '  with docker_container.Services_Web_00C5A910[0],',
].join('\n');
const REGISTRY_DOWN = [
  'docker_registry_image.Service_Push_71EE9FF9: Creating...',
  'Error: Error pushing docker image: Error pushing image. . Full error: Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect: connection refused',
  '  with docker_registry_image.Service_Push_71EE9FF9,',
  '  on cdk.tf.json line 85, in resource.docker_registry_image.Service_Push_71EE9FF9:',
].join('\n');
const DATABASE_DOWN = [
  'Error: Failed to get existing workspaces: dial tcp 127.0.0.1:5432: connect: connection refused',
  '',
  'Error: a later error',
  '  with docker_registry_image.Service_Push_71EE9FF9,',
].join('\n');

const stage = (name: string, kind: StageManifest['kind']): StageManifest => ({
  name,
  kind,
  review: false,
  state: { backend: 'local', path: `/p/.pipeline/state/${name}.tfstate` },
});

describe('knownFailure', () => {
  const host = process.env.DOCKER_HOST;
  beforeEach(() => delete process.env.DOCKER_HOST);
  afterAll(() => {
    if (host !== undefined) process.env.DOCKER_HOST = host;
  });

  test('the engine lost during a deploy: named, with the digest kept and the redeploy as the fix', () => {
    const error = knownFailure('deploy', stage('dev', 'environment'), ENGINE_LOST, 'dev.log');
    expect(error?.message).toBe(
      "deploy dev failed: the Docker host at unix:///var/run/docker.sock stopped answering during the deploy (EOF). dev's verified release is unchanged, and nothing was promoted. The full log is dev.log.",
    );
    expect(error?.fix).toBe(
      'Start Docker: what it ran starts again with it. Then deploy dev again: it finishes what this one began.',
    );
  });

  test('the engine killed while a request was in flight: the reset connection is named', () => {
    const log = [
      'docker_container.Services_Web_00C5A910[0]: Creating...',
      'Error: Unable to create container: error during connect: Post "http://%2Fvar%2Frun%2Fdocker.sock/v1.41/containers/create?name=dev-web-0": read unix @->/var/run/docker.sock: read: connection reset by peer',
      '  with docker_container.Services_Web_00C5A910[0],',
    ].join('\n');
    expect(knownFailure('deploy', stage('dev', 'environment'), log, 'dev.log')?.message).toBe(
      "deploy dev failed: the Docker host at unix:///var/run/docker.sock stopped answering during the deploy (read unix @->/var/run/docker.sock: read: connection reset by peer). dev's verified release is unchanged, and nothing was promoted. The full log is dev.log.",
    );
  });

  test('the engine lost during a destroy, at the address DOCKER_HOST names', () => {
    process.env.DOCKER_HOST = 'tcp://127.0.0.1:2375';
    const log =
      'Error: error during connect: Get "http://127.0.0.1:2375/v1.41/containers/json": dial tcp 127.0.0.1:2375: connect: connection refused';
    expect(knownFailure('destroy', stage('dev', 'environment'), log, 'l')?.message).toBe(
      'destroy dev failed: the Docker host at tcp://127.0.0.1:2375 stopped answering during the destroy (dial tcp 127.0.0.1:2375: connect: connection refused). The full log is l.',
    );
  });

  test("a refusal in the push is the registry's", () => {
    const error = knownFailure('deploy', stage('image', 'image'), REGISTRY_DOWN, 'image.log');
    expect(error?.message).toBe(
      'deploy image failed: the registry at 127.0.0.1:5000 does not answer (connection refused). Nothing was pushed or promoted; every environment keeps what it runs. The full log is image.log.',
    );
  });

  test('a refusal elsewhere (the state database) names only the address', () => {
    const error = knownFailure('deploy', stage('image', 'image'), DATABASE_DOWN, 'image.log');
    expect([error?.message, error?.fix]).toEqual([
      'deploy image failed: 127.0.0.1:5432 refused the connection. The full log is image.log.',
      'Start what should answer on 127.0.0.1:5432 (the error above names it), then deploy again.',
    ]);
  });

  test('an error it does not know is left to the caller', () => {
    expect(knownFailure('deploy', stage('dev', 'environment'), 'Error: no', 'l')).toBeUndefined();
  });
});
