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

/**
 * The engine's error in its output, as one line: its first `Error: ` line and the lines that
 * explain it (the box drawing and colour codes dropped); else the output's first line.
 */
export function engineError(output: string): string {
  // Not every subcommand takes -no-color.
  // eslint-disable-next-line no-control-regex
  const lines = output.replace(/\u001b\[[0-9;]*m/g, '').split('\n');
  const plain = lines.map((l) => l.replace(/^[│╷╵\s]+/, '').trim());
  const at = plain.findIndex((l) => /^Error: /.test(l));
  if (at < 0) return plain.find(Boolean) ?? 'no output';
  const end = plain.indexOf('', at + 2);
  const detail = plain.slice(at + 1, end < 0 ? undefined : end).filter(Boolean);
  const error = plain[at].slice('Error: '.length);
  return detail.length > 0 ? `${error}: ${detail.join(' ')}` : error;
}
