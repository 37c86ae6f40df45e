import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Approval } from '../../../lib';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('Approval', () => {
  test('none() requires nothing and approves nothing', () => {
    const approval = Approval.none();
    expect(approval.isRequired).toBe(false);
    expect(approval.record).toBeUndefined();
    expect(approval.read('/nowhere', 'x')).toEqual({ digests: [], problems: [] });
  });

  test('required() reads the digests of its record, skipping comments and blank lines', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(
      join(root, 'prod.txt'),
      `# header\n\n${digest('a')} # by ana\n  ${digest('b')}\n`,
    );
    const approval = Approval.required('prod.txt');
    expect(approval.isRequired).toBe(true);
    expect(approval.read(root, 'x')).toEqual({ digests: [digest('a'), digest('b')], problems: [] });
  });

  test('a missing record approves nothing yet', () => {
    expect(
      Approval.required('missing.txt').read(mkdtempSync(join(tmpdir(), 'approval-')), 'x'),
    ).toEqual({
      digests: [],
      problems: [],
    });
  });

  test('a record saved on Windows, with CRLF line ends and a byte order mark, reads the same', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(join(root, 'prod.txt'), `\uFEFF${digest('a')} # by ana\r\n${digest('b')}\r\n`);
    expect(Approval.required('prod.txt').read(root, 'x')).toEqual({
      digests: [digest('a'), digest('b')],
      problems: [],
    });
  });

  test('a record outside the project, absolute, empty or not a string is refused; still required', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    const cases: [unknown, string][] = [
      ['../approvals/prod.txt', "'../approvals/prod.txt'"],
      ['/etc/approvals.txt', "'/etc/approvals.txt'"],
      ['approvals/../../x', "'approvals/../../x'"],
      [' ', "' '"],
      [undefined, 'nothing'],
      [7, '7'],
    ];
    for (const [record, shown] of cases) {
      const approval = Approval.required(record as string);
      expect(approval.isRequired).toBe(true);
      expect(approval.read(root, "environment 'prod'")).toEqual({
        digests: [],
        problems: [
          `environment 'prod': 'approval.record' must be a file path inside the project, relative to its root, got ${shown}. Keep the record in the repository, e.g. Approval.required('approvals/prod.txt').`,
        ],
      });
    }
  });
});
