import { Approval, EnvironmentConfig } from '../lib';
import { SampleSettings } from '../stacks/sample-settings';

/** First host port of review environments; each takes a block of REVIEW_PORT_BLOCK ports. */
export const REVIEW_PORT_BASE = 20000;
export const REVIEW_PORT_BLOCK = 4;
const REVIEW_SLOTS = 2000;

/**
 * A review environment for a merge request id or branch slug: `review(42)` is `review-42`.
 * It deploys what the image stage verified. Its port comes from its id, so two review
 * environments clash only when their ids hash alike (the validator then says so).
 */
export function review(id: string | number): EnvironmentConfig<SampleSettings> {
  const slug = String(id);
  const port = REVIEW_PORT_BASE + slot(slug) * REVIEW_PORT_BLOCK;
  return {
    name: `review-${slug}`,
    upstream: 'image',
    approval: Approval.none(),
    services: {
      web: {
        replicas: 1,
        port,
        env: { GREETING: `hello from review ${slug}`, LOG_LEVEL: 'debug' },
      },
      api: { replicas: 1, env: { LOG_LEVEL: 'debug' } },
    },
    settings: { dataSizeMb: 8, dataRetention: '1d' },
    source: `environments/review.ts (review id '${slug}')`,
  };
}

/** A number id takes its own slot; a slug is hashed (FNV-1a) into one. */
function slot(slug: string): number {
  if (/^\d+$/.test(slug)) return Number(slug) % REVIEW_SLOTS;
  let hash = 0x811c9dc5;
  for (const ch of slug) {
    hash ^= ch.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % REVIEW_SLOTS;
}
