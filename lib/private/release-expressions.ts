import { Fn, TerraformLocal, Token } from 'cdktf';
import { Construct } from 'constructs';

import { DEFAULTS } from './defaults';

/**
 * The engine's expressions of a release's key and id, from each image's digest reference (tokens
 * of the plan): the same values as `releaseKey` and `releaseId` compute. Each is a local value of
 * `scope`, so that the configuration names it once and the expressions that use it stay short
 * (cdktf resolves an expression again wherever it is embedded).
 */
export function releaseExpressions(
  scope: Construct,
  images: { readonly [name: string]: string },
): {
  /** `name=sha256:…` of each image, by name. */
  readonly entries: { readonly [name: string]: string };
  /** The entries joined by commas. */
  readonly key: string;
  /** The first 12 hex digits of the SHA-256 of the key. */
  readonly id: string;
} {
  const names = Object.keys(images).sort();
  const list = new TerraformLocal(
    scope,
    'ReleaseEntries',
    names.map((name) => Fn.join('=', [name, Fn.element(Fn.split('@', images[name]), 1)])),
  );
  const entries = Object.fromEntries(
    names.map((name, i) => [name, Token.asString(Fn.element(list.asList, i))]),
  );
  const key = new TerraformLocal(scope, 'ReleaseKey', Fn.join(',', list.asList)).asString;
  const id = new TerraformLocal(
    scope,
    'ReleaseId',
    Fn.substr(Fn.sha256(key), 0, DEFAULTS.releaseIdLength),
  ).asString;
  return { entries, key, id };
}
