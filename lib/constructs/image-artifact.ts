import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

import { Image } from '@cdktf/provider-docker/lib/image';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { Construct } from 'constructs';

import { contentHash } from '../private/content-hash';
import { DEFAULTS } from '../private/defaults';
import { ConfigurationError, invalidValue } from '../private/errors';
import { assertShape, shape } from '../private/shape';
import { shellCommand } from '../private/shell';

import { TerraformData } from './private/terraform-data';

/** Props of {@link ImageArtifact}. */
export interface ImageArtifactProps {
  /** Build context: a folder with a Dockerfile. Relative paths resolve from the working directory. */
  readonly context: string;
  /** Repository name in the registry, e.g. 'sample-service'. */
  readonly repository: string;
  /**
   * Registry to push to (host:port).
   * @default '127.0.0.1:5000'
   */
  readonly registry?: string;
  /**
   * Dockerfile, relative to the context.
   * @default 'Dockerfile'
   */
  readonly dockerfile?: string;
  /**
   * Command run inside the built image, with no network, before it is pushed; a non-zero exit
   * fails the deploy and shows the command's output.
   * @default - no in-image smoke test
   */
  readonly smokeTest?: readonly string[];
}

/**
 * A service image built once from a build context, tagged with the content hash of that context,
 * smoke-tested inside the image and pushed to a registry. Its immutable digest reference
 * (`registry/repository@sha256:...`) is the release that environments deploy.
 *
 * The image is built with the build argument `BUILD_ID` set to the tag, so the service can report
 * which build it runs. Images and pushed manifests are kept on destroy: environments may still run
 * them.
 */
export class ImageArtifact extends Construct {
  /** Tag: the first 12 hex digits of the context's content hash. */
  public readonly tag: string;
  /** `registry/repository:tag`. */
  public readonly taggedName: string;
  /** The digest of the pushed manifest, `sha256:...`. */
  public readonly digest: string;
  /** The immutable reference `registry/repository@sha256:...`. */
  public readonly reference: string;
  /** The built image, tagged `registry/repository:tag`. */
  public readonly image: Image;
  /** The push of that image to the registry; its digest is the release. */
  public readonly push: RegistryImage;

  constructor(scope: Construct, id: string, props: ImageArtifactProps) {
    super(scope, id);
    assertShape(
      `image artifact '${id}'`,
      props,
      shape.object({
        context: shape.string,
        repository: shape.string,
        registry: shape.optional(shape.string),
        dockerfile: shape.optional(shape.string),
        smokeTest: shape.optional(shape.list(shape.string)),
      }),
      'Fix it in the props of the ImageArtifact.',
    );
    const context = isAbsolute(props.context) ? props.context : resolve(props.context);
    validate(id, props, context);
    const registry = props.registry ?? DEFAULTS.registry;
    this.tag = contentHash(context).slice(0, 12);
    this.taggedName = `${registry}/${props.repository}:${this.tag}`;

    this.image = new Image(this, 'Image', {
      name: this.taggedName,
      keepLocally: true,
      buildAttribute: {
        context,
        dockerfile: props.dockerfile ?? 'Dockerfile',
        buildArgs: { BUILD_ID: this.tag },
      },
      triggers: { content: this.tag },
    });

    const dependsOn = [];
    if (props.smokeTest) {
      const test = new TerraformData(this, 'SmokeTest', {
        triggersReplace: { image: this.image.imageId },
      });
      test.addOverride('provisioner', [
        {
          'local-exec': {
            command: inImageTestScript(props.smokeTest),
            environment: { IMAGE: this.image.imageId, IMAGE_NAME: this.taggedName },
          },
        },
      ]);
      dependsOn.push(test);
    }

    this.push = new RegistryImage(this, 'Push', {
      name: this.image.name,
      keepRemotely: true,
      triggers: { image: this.image.imageId },
      dependsOn: dependsOn.length > 0 ? dependsOn : undefined,
    });
    this.digest = this.push.sha256Digest;
    this.reference = `${registry}/${props.repository}@${this.push.sha256Digest}`;
  }
}

function inImageTestScript(command: readonly string[]): string {
  const run = `docker run --rm --network none --entrypoint '' "$IMAGE" ${shellCommand(command)}`;
  return [
    `echo "in-image smoke test of $IMAGE_NAME: ${shellCommand(command).replace(/"/g, '\\"')}"`,
    `if out=$(${run} 2>&1); then echo "$out"; echo "in-image smoke test passed"; exit 0; fi`,
    `code=$?`,
    `echo "$out" >&2`,
    `echo "in-image smoke test of $IMAGE_NAME failed with exit code $code; the image was not pushed." >&2`,
    `exit 1`,
  ].join('\n');
}

function validate(id: string, props: ImageArtifactProps, context: string): void {
  const problems: string[] = [];
  const subject = `image artifact '${id}'`;
  const dockerfile = join(context, props.dockerfile ?? 'Dockerfile');
  if (!existsSync(dockerfile)) {
    problems.push(
      invalidValue(
        subject,
        'context',
        'must be a folder with a Dockerfile',
        context,
        `Create ${dockerfile}, or point context at the service's folder.`,
      ),
    );
  }
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(props.repository)) {
    problems.push(
      invalidValue(
        subject,
        'repository',
        'must be a lowercase registry path (letters, digits, . _ - and /)',
        props.repository,
        'Use a name such as sample-service.',
      ),
    );
  }
  if (props.smokeTest !== undefined && props.smokeTest.length === 0) {
    problems.push(
      invalidValue(
        subject,
        'smokeTest',
        'must hold a command and its arguments',
        [],
        'Give a command such as ["wget", "-q", "-O-", "http://127.0.0.1/"], or leave smokeTest out.',
      ),
    );
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
