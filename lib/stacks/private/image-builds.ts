import { ConfigurationError, invalidValue } from '../../private/errors';
import { IMAGE_NAME_PATTERN, SINGLE_IMAGE } from '../../private/release';
import { shape } from '../../private/shape';
import type { ImageBuildProps } from '../image-stack';

/** What one image's build is made of, as the props of the Delivery and the ImageStack give it. */
export const IMAGE_BUILD = shape.object({
  context: shape.string,
  repository: shape.string,
  dockerfile: shape.optional(shape.string),
  smokeTest: shape.optional(shape.list(shape.string)),
});

/**
 * The images to build, by name, from props that give either one image (`context`, `repository`)
 * or several (`images`); a ConfigurationError naming every problem otherwise.
 */
export function imageBuilds(
  subject: string,
  props: {
    readonly context?: string;
    readonly repository?: string;
    readonly dockerfile?: string;
    readonly smokeTest?: readonly string[];
    readonly images?: { readonly [name: string]: ImageBuildProps };
  },
  fix: string,
): { readonly [name: string]: ImageBuildProps } {
  const one = props.context !== undefined || props.repository !== undefined;
  if (props.images === undefined) {
    if (props.context !== undefined && props.repository !== undefined) {
      return {
        [SINGLE_IMAGE]: {
          context: props.context,
          repository: props.repository,
          dockerfile: props.dockerfile,
          smokeTest: props.smokeTest,
        },
      };
    }
    throw new ConfigurationError([
      invalidValue(
        subject,
        one ? (props.context === undefined ? 'context' : 'repository') : 'images',
        one
          ? 'must be given with the other of context and repository'
          : 'must name the images to build (or give context and repository of one image)',
        undefined,
        `${fix} E.g. images: { web: { context: 'web', repository: 'my-web' } }.`,
      ),
    ]);
  }
  const problems: string[] = [];
  if (one || props.dockerfile !== undefined || props.smokeTest !== undefined) {
    problems.push(
      invalidValue(
        subject,
        'images',
        'must be given alone: context, repository, dockerfile and smokeTest describe one image',
        Object.keys(props.images),
        `${fix} Move the one image's fields into images.`,
      ),
    );
  }
  const names = Object.keys(props.images);
  if (names.length === 0) {
    problems.push(
      invalidValue(subject, 'images', 'must name at least one image', {}, `${fix} Add an image.`),
    );
  }
  for (const name of names.filter((n) => !IMAGE_NAME_PATTERN.test(n))) {
    problems.push(
      invalidValue(
        subject,
        `images.${name}`,
        'must be named with a lowercase letter, then lowercase letters, digits and - (at most 31)',
        name,
        `${fix} Rename the image, e.g. web or api.`,
      ),
    );
  }
  const repositories = new Map<string, string>();
  for (const name of names) {
    const repository = props.images[name].repository;
    const other = repositories.get(repository);
    if (other !== undefined) {
      problems.push(
        invalidValue(
          subject,
          `images.${name}.repository`,
          `must differ from the repository of image '${other}'`,
          repository,
          `${fix} Give each image a repository of its own.`,
        ),
      );
    }
    repositories.set(repository, name);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return props.images;
}
