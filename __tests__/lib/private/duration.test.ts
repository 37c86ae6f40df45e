import { seconds, timeToLiveSeconds } from '../../../lib/private/duration';

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

describe('timeToLiveSeconds', () => {
  test.each<[string, number]>([
    ['3 days', 3 * 86400],
    ['1 week', 7 * 86400],
    ['12 hours', 12 * 3600],
    ['30minutes', 30 * 60],
    [' 2 day ', 2 * 86400],
  ])('%j is %d seconds', (text, seconds) => {
    expect(timeToLiveSeconds(text)).toBe(seconds);
  });

  test.each(['3\ndays', '3\tdays', '3 days\n', 'three days', '3 months', '-1 day', ''])(
    '%j is no time to live: a number and a unit on one line, spaces only',
    (text) => {
      expect(timeToLiveSeconds(text)).toBeUndefined();
    },
  );
});
