import { InvalidArgumentError } from 'commander';

import { releaseToApprove } from '../../../../lib/cli/private/arguments';

const RULE =
  "It must be a release id (12 hex digits, as status shows it), every image as 'name=sha256:<hex digits>' separated by commas (12 or more digits of each digest), or the digest of a delivery's one image. Or approve what a stage verified: --from STAGE.";

describe('releaseToApprove', () => {
  test('an image may have any name the delivery allows, "constructor" (a property of every object) too', () => {
    expect(releaseToApprove('constructor=sha256:0123456789ab,api=sha256:ba9876543210')).toEqual({
      images: { constructor: 'sha256:0123456789ab', api: 'sha256:ba9876543210' },
    });
  });

  test.each(['', ' ', ',', ' , '])('a release of no image (%j) is refused', (value) => {
    expect(() => releaseToApprove(value)).toThrow(new InvalidArgumentError(RULE));
  });

  test('an image named twice is refused', () => {
    expect(() => releaseToApprove('api=sha256:0123456789ab api=sha256:0123456789ab')).toThrow(
      new InvalidArgumentError(RULE),
    );
  });
});
