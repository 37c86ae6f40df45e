import type * as Yaml from 'yaml';

type YamlLibrary = typeof Yaml;
let library: YamlLibrary | undefined;

/**
 * A CI document as YAML text, lines never folded. The YAML library loads on first use: an app
 * that synthesizes and a CLI command that renders nothing never load it.
 */
export function yamlText(document: object): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  library ??= require('yaml') as YamlLibrary;
  return library.stringify(document, { lineWidth: 0 });
}
