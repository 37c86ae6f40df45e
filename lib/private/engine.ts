import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The engine every command of the package runs, the testing kit's plans included:
 * `TERRAFORM_BINARY_NAME` when set (as the cdktf CLI reads it), else OpenTofu (`tofu`) when it is
 * on the PATH, else `terraform`.
 */
export function engineBinary(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.TERRAFORM_BINARY_NAME;
  if (named) return named;
  return onPath('tofu', env.PATH ?? '') ? 'tofu' : 'terraform';
}

/** Whether an executable file named `name` is in one of the folders of `path`. */
function onPath(name: string, path: string): boolean {
  return path
    .split(delimiter)
    .filter(Boolean)
    .some((folder) => {
      try {
        accessSync(join(folder, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}
