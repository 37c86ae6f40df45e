import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import * as ts from 'typescript';

import { PROJECT_ROOT } from '../helpers/test-app';

/**
 * The house rule for props and options: every optional member says what happens without it
 * (`@default`). TypeDoc's validation (in the lint step) checks that every export has a comment.
 */
describe('the doc comments of lib/', () => {
  test('every optional member of an exported Props or Options interface has a @default', () => {
    const files = readdirSync(join(PROJECT_ROOT, 'lib'), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.split('/').includes('private'))
      .map((f) => `lib/${f}`);
    const missing: string[] = [];
    let checked = 0;
    for (const file of files) {
      const source = ts.createSourceFile(
        file,
        readFileSync(join(PROJECT_ROOT, file), 'utf8'),
        ts.ScriptTarget.ES2022,
        true,
      );
      for (const node of source.statements) {
        if (
          !ts.isInterfaceDeclaration(node) ||
          !node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ||
          !/(Props|Options)$/.test(node.name.text)
        ) {
          continue;
        }
        for (const member of node.members.filter((m) => m.questionToken)) {
          checked += 1;
          const tags = ts.getJSDocTags(member).map((tag) => tag.tagName.text);
          if (!tags.includes('default') && !tags.includes('internal')) {
            missing.push(`${file}: ${node.name.text}.${member.name?.getText(source)}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
