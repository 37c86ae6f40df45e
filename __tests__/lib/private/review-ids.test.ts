import { parseReviewIds } from '../../../lib/private/review-ids';

describe('parseReviewIds', () => {
  test('splits on commas and whitespace, and drops empty entries', () => {
    expect(parseReviewIds(' 42,login-form  7 ,,\n8')).toEqual(['42', 'login-form', '7', '8']);
  });

  test('nothing given: no ids', () => {
    expect(parseReviewIds(undefined)).toEqual([]);
    expect(parseReviewIds('')).toEqual([]);
    expect(parseReviewIds(' , ')).toEqual([]);
  });
});
