import { join, resolve } from 'node:path';

/** Root of this project (where package.json is). */
export const PROJECT_ROOT = resolve(__dirname, '..', '..');

/** Folder of the local state files, one per stack: `<root>/.pipeline/state/<stack>.tfstate`. */
export function stateFile(root: string, stack: string): string {
  return join(root, '.pipeline', 'state', `${stack}.tfstate`);
}
