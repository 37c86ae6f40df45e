import { Image } from '@cdktf/provider-docker/lib/image';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { DataResource } from 'cdktf';

import { contentHash } from '../../../lib/private/content-hash';
import { PROJECT_ROOT } from '../../helpers/test-app';
import { resources, synth, synthJson, testPipeline } from '../../helpers/test-app';

describe('ImageStack', () => {
  const { pipeline } = testPipeline();
  const stack = pipeline.image;
  const tag = contentHash(`${PROJECT_ROOT}/service`).slice(0, 12);

  test('snapshot', () => {
    expect(synth(stack)).toMatchSnapshot();
  });

  test('builds the service image from service/, tagged with its content hash', () => {
    expect(synth(stack)).toHaveResourceWithProperties(Image, {
      name: `127.0.0.1:5000/sample-service:${tag}`,
      keep_locally: true,
      build: expect.objectContaining({ context: '<root>/service', build_args: { BUILD_ID: tag } }),
      triggers: { content: tag },
    });
  });

  test('tests inside the image, then pushes, keeping pushed manifests on destroy', () => {
    expect(synth(stack)).toHaveResource(DataResource);
    const [push] = resources(stack, 'docker_registry_image');
    expect(push).toMatchObject({ keep_remotely: true });
    expect(push.depends_on).toEqual([expect.stringMatching(/^terraform_data\.Service_SmokeTest_/)]);
    expect(synth(stack)).toHaveResourceWithProperties(RegistryImage, { keep_remotely: true });
  });

  test('publishes the digest reference as the verified image', () => {
    expect(synthJson(stack).output?.verified_image).toEqual(
      expect.objectContaining({
        value: expect.stringMatching(
          /^127\.0\.0\.1:5000\/sample-service@\$\{docker_registry_image\.Service_Push_\w+\.sha256_digest\}$/,
        ),
      }),
    );
  });

  test('keeps its state under .pipeline/state', () => {
    expect(synthJson(stack).terraform.backend?.local?.path).toBe(
      '<root>/.pipeline/state/image.tfstate',
    );
  });
});
