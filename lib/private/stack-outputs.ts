import { existsSync, readFileSync } from 'node:fs';

import { stateFile } from './paths';

/** What a deployed stack published, read from its local state file. */
export interface StackOutputs {
  /** `<service>_url` outputs, by service name. */
  readonly urls: ReadonlyMap<string, string>;
  /** The `verified_image` output, when the stack published one. */
  readonly verifiedImage?: string;
}

/** The outputs of a stack deployed from `root`; undefined when it has no state there. */
export function readStackOutputs(root: string, stack: string): StackOutputs | undefined {
  const file = stateFile(root, stack);
  if (!existsSync(file)) return undefined;
  const { outputs } = JSON.parse(readFileSync(file, 'utf8')) as {
    outputs: Record<string, { value: unknown }>;
  };
  const urls = new Map<string, string>();
  for (const [name, { value }] of Object.entries(outputs)) {
    if (name.endsWith('_url') && typeof value === 'string') urls.set(name.slice(0, -4), value);
  }
  const image = outputs.verified_image?.value;
  return { urls, verifiedImage: typeof image === 'string' ? image : undefined };
}
