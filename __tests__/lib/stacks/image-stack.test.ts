import { Image } from '@cdktf/provider-docker/lib/image';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { DataResource, Testing } from 'cdktf';

import { ImageStack } from '../../../lib';
import { contentHash } from '../../../lib/private/content-hash';
import {
  PROJECT_ROOT,
  problemsOf,
  resources,
  synth,
  synthJson,
  testPipeline,
} from '../../helpers/test-app';

describe('ImageStack', () => {
  const { pipeline } = testPipeline();
  const stack = pipeline.image;
  const tag = (image: string) => contentHash(`${PROJECT_ROOT}/service/${image}`).slice(0, 12);

  test('snapshot, with each content hash named rather than given (an edit of service/ keeps it)', () => {
    let synthesized = synth(stack);
    for (const image of ['web', 'api'])
      synthesized = synthesized.replaceAll(tag(image), `<content hash of service/${image}>`);
    expect(synthesized).not.toMatch(/\b[0-9a-f]{12}\b/);
    expect(synthesized).toMatchSnapshot();
  });

  test('builds each image of the release from its own context, tagged with its content hash', () => {
    for (const image of ['web', 'api']) {
      expect(synth(stack)).toHaveResourceWithProperties(Image, {
        name: `127.0.0.1:5000/sample-${image}:${tag(image)}`,
        keep_locally: true,
        build: expect.objectContaining({
          context: `<root>/service/${image}`,
          build_args: { BUILD_ID: tag(image) },
        }),
        triggers: { content: tag(image) },
      });
    }
    expect(tag('web')).not.toBe(tag('api'));
  });

  test('tests each image inside it, then pushes it, keeping pushed manifests on destroy', () => {
    expect(synth(stack)).toHaveResource(DataResource);
    const pushes = resources(stack, 'docker_registry_image');
    expect(pushes).toHaveLength(2);
    for (const push of pushes) expect(push).toMatchObject({ keep_remotely: true });
    expect(pushes.map((p) => p.depends_on)).toEqual([
      [expect.stringMatching(/^terraform_data\.ImageApi_SmokeTest_/)],
      [expect.stringMatching(/^terraform_data\.ImageWeb_SmokeTest_/)],
    ]);
    expect(synth(stack)).toHaveResourceWithProperties(RegistryImage, { keep_remotely: true });
  });

  test('publishes the release: each image by its digest reference, by name', () => {
    expect(synthJson(stack).output?.verified_release).toEqual(
      expect.objectContaining({
        value: {
          api: expect.stringMatching(
            /^127\.0\.0\.1:5000\/sample-api@\$\{docker_registry_image\.ImageApi_Push_\w+\.sha256_digest\}$/,
          ),
          web: expect.stringMatching(
            /^127\.0\.0\.1:5000\/sample-web@\$\{docker_registry_image\.ImageWeb_Push_\w+\.sha256_digest\}$/,
          ),
        },
      }),
    );
  });

  test('keeps its state under .pipeline/state', () => {
    expect(synthJson(stack).terraform.backend?.local?.path).toBe(
      '<root>/.pipeline/state/image.tfstate',
    );
  });
});

describe('ImageStack of one image', () => {
  const stack = new ImageStack(Testing.app(), 'image', {
    context: `${PROJECT_ROOT}/service/web`,
    repository: 'hello',
    projectRoot: PROJECT_ROOT,
  });

  test("builds it as before releases had several images, and publishes it as the release's 'app'", () => {
    expect(Object.keys(stack.artifacts)).toEqual(['app']);
    expect(stack.artifact).toBe(stack.artifacts.app);
    expect(synthJson(stack).output?.verified_release?.value).toEqual({
      app: expect.stringMatching(
        /^127\.0\.0\.1:5000\/hello@\$\{docker_registry_image\.Service_Push_\w+\.sha256_digest\}$/,
      ),
    });
  });
});

describe('ImageStack errors', () => {
  const build = (props: object) => () =>
    new ImageStack(Testing.app(), 'image', { projectRoot: PROJECT_ROOT, ...props });
  const fix = 'Fix it in the props of the ImageStack.';

  test('neither one image nor images', () => {
    expect(problemsOf(build({}))).toEqual([
      `image stack 'image': 'images' must name the images to build (or give context and repository of one image), got nothing. ${fix} E.g. images: { web: { context: 'web', repository: 'my-web' } }.`,
    ]);
  });

  test('a context without its repository', () => {
    expect(problemsOf(build({ context: `${PROJECT_ROOT}/service/web` }))).toEqual([
      `image stack 'image': 'repository' must be given with the other of context and repository, got nothing. ${fix} E.g. images: { web: { context: 'web', repository: 'my-web' } }.`,
    ]);
  });

  test('images beside the fields of one image, a bad name and a repository twice, all at once', () => {
    const web = { context: `${PROJECT_ROOT}/service/web`, repository: 'same' };
    expect(
      problemsOf(
        build({
          repository: 'hello',
          images: { web, Api: { ...web, context: `${PROJECT_ROOT}/service/api` } },
        }),
      ),
    ).toEqual([
      `image stack 'image': 'images' must be given alone: context, repository, dockerfile and smokeTest describe one image, got ["web","Api"]. ${fix} Move the one image's fields into images.`,
      `image stack 'image': 'images.Api' must be named with a lowercase letter, then lowercase letters, digits and - (at most 31), got 'Api'. ${fix} Rename the image, e.g. web or api.`,
      `image stack 'image': 'images.Api.repository' must differ from the repository of image 'web', got 'same'. ${fix} Give each image a repository of its own.`,
    ]);
  });
});
