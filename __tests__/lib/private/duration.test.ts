import { seconds } from '../../../lib/private/duration';

describe('seconds', () => {
  test('tenths under a minute, whole seconds from a minute on, rounded before they are split', () => {
    expect([0.04, 9.26, 59.94, 60, 119.4, 119.6, 3599.5].map(seconds)).toEqual([
      '0.0s',
      '9.3s',
      '59.9s',
      '1m00s',
      '1m59s',
      '2m00s',
      '60m00s',
    ]);
  });
});
