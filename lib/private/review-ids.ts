/** Review environment ids from a comma- or space-separated list, e.g. '42,login-form'. */
export function parseReviewIds(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}
