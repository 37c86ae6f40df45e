import { Image } from '@cdktf/provider-docker/lib/image';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { TerraformOutput } from 'cdktf';

import { ImageArtifact } from '../../../lib';
import { PROJECT_ROOT } from '../../helpers/test-app';
import { resources, synth, synthJson, testStack } from '../../helpers/test-app';

const context = `${PROJECT_ROOT}/service/web`;

describe('ImageArtifact', () => {
  test('defaults: registry 127.0.0.1:5000, Dockerfile, no in-image smoke test', () => {
    const stack = testStack();
    const artifact = new ImageArtifact(stack, 'App', { context, repository: 'app' });
    expect(artifact.taggedName).toBe(`127.0.0.1:5000/app:${artifact.tag}`);
    expect(synth(stack)).toHaveResourceWithProperties(Image, {
      build: expect.objectContaining({ dockerfile: 'Dockerfile' }),
    });
    expect(resources(stack, 'terraform_data')).toEqual([]);
    expect(resources(stack, 'docker_registry_image')[0].depends_on).toBeUndefined();
  });

  test('a relative context resolves from the working directory', () => {
    const stack = testStack();
    const artifact = new ImageArtifact(stack, 'App', { context: 'service/web', repository: 'app' });
    expect(synth(stack)).toHaveResourceWithProperties(Image, {
      build: expect.objectContaining({
        context: `${process.cwd()}/service/web`.split(PROJECT_ROOT).join('<root>'),
      }),
    });
    expect(artifact.tag).toMatch(/^[0-9a-f]{12}$/);
  });

  test('pushes to the given registry and references the pushed digest', () => {
    const stack = testStack();
    const artifact = new ImageArtifact(stack, 'App', {
      context,
      repository: 'team/app',
      registry: 'localhost:5001',
    });
    expect(synth(stack)).toHaveResourceWithProperties(Image, {
      name: `localhost:5001/team/app:${artifact.tag}`,
    });
    expect(synth(stack)).toHaveResourceWithProperties(RegistryImage, {
      name: expect.stringMatching(/^\$\{docker_image\.App_Image_\w+\.name\}$/),
    });
    new TerraformOutput(stack, 'ref', { value: artifact.reference });
    expect(synthJson(stack).output?.ref.value).toMatch(
      /^localhost:5001\/team\/app@\$\{docker_registry_image\.App_Push_\w+\.sha256_digest\}$/,
    );
  });

  test('the in-image smoke test runs the command in the built image with no network, before the push', () => {
    const stack = testStack();
    new ImageArtifact(stack, 'App', {
      context,
      repository: 'app',
      smokeTest: ['sh', '-c', 'echo it works'],
    });
    const [test] = resources(stack, 'terraform_data');
    const exec = (
      test.provisioner as { 'local-exec': { command: string; environment: object } }[]
    )[0]['local-exec'];
    expect(exec.command).toContain(
      `docker run --rm --network none --entrypoint '' "$IMAGE" sh -c 'echo it works'`,
    );
    expect(exec.environment).toEqual({
      IMAGE: expect.stringMatching(/^\$\{docker_image\.App_Image_\w+\.image_id\}$/),
      IMAGE_NAME: expect.stringMatching(/^127\.0\.0\.1:5000\/app:[0-9a-f]{12}$/),
    });
    expect(test.triggers_replace).toEqual({ image: expect.stringMatching(/image_id/) });
    expect(resources(stack, 'docker_registry_image')[0].depends_on).toEqual([
      expect.stringMatching(/^terraform_data\.App_SmokeTest_/),
    ]);
  });
});
