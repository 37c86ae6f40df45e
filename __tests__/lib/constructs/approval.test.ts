import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Approval } from '../../../lib';

const digest = (c: string) => `sha256:${c.repeat(64)}`;

describe('Approval', () => {
  test('none() requires nothing and approves nothing', () => {
    const approval = Approval.none();
    expect(approval.isRequired).toBe(false);
    expect(approval.record).toBeUndefined();
    expect(approval.read('/nowhere', 'x')).toEqual({ releases: [], problems: [] });
  });

  test('required() reads the digests of its record, skipping comments and blank lines', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(
      join(root, 'prod.txt'),
      `# header\n\n${digest('a')} # by ana\n  ${digest('b')}\n`,
    );
    const approval = Approval.required('prod.txt');
    expect(approval.isRequired).toBe(true);
    expect(approval.read(root, 'x')).toEqual({
      releases: [`app=${digest('a')}`, `app=${digest('b')}`],
      problems: [],
    });
  });

  test('a missing record approves nothing yet', () => {
    expect(
      Approval.required('missing.txt').read(mkdtempSync(join(tmpdir(), 'approval-')), 'x'),
    ).toEqual({
      releases: [],
      problems: [],
    });
  });

  test('a record saved on Windows, with CRLF line ends and a byte order mark, reads the same', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(join(root, 'prod.txt'), `\uFEFF${digest('a')} # by ana\r\n${digest('b')}\r\n`);
    expect(Approval.required('prod.txt').read(root, 'x')).toEqual({
      releases: [`app=${digest('a')}`, `app=${digest('b')}`],
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
        releases: [],
        problems: [
          `environment 'prod': 'approval.record' must be a file path inside the project, relative to its root, got ${shown}. Keep the record in the repository, e.g. Approval.required('approvals/prod.txt').`,
        ],
      });
    }
  });

  test('a folder as the record is refused, naming the field and the fix (it was a raw EISDIR)', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    mkdirSync(join(root, 'approvals'));
    for (const record of ['approvals', 'approvals/', '.']) {
      expect(Approval.required(record).read(root, "environment 'prod'")).toEqual({
        releases: [],
        problems: [
          `environment 'prod': 'approval.record' must be a file, not a folder, got '${record}'. Name the record file in that folder, e.g. Approval.required('approvals/prod.txt').`,
        ],
      });
    }
  });

  test('a release of several images is a line naming every image once, in any order', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(
      join(root, 'prod.txt'),
      `web=${digest('a')} api=${digest('b')} # release 1\napi=${digest('c')}   web=${digest('a')}\n`,
    );
    expect(Approval.required('prod.txt').read(root, 'x', ['web', 'api'])).toEqual({
      releases: [`api=${digest('b')},web=${digest('a')}`, `api=${digest('c')},web=${digest('a')}`],
      problems: [],
    });
  });

  test('a line that misses an image, names one twice or one the delivery lacks, or is a bare digest, is a problem of its own', () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    const lines = [
      `web=${digest('a')}`,
      `web=${digest('a')} web=${digest('b')}`,
      `web=${digest('a')} api=${digest('b')} worker=${digest('c')}`,
      digest('a'),
      `web=${digest('a')} api=sha256:abc`,
    ];
    writeFileSync(join(root, 'prod.txt'), `${lines.join('\n')}\n`);
    const wanted =
      "must name every image of the release once, 'api=sha256:<64 hex digits> web=sha256:<64 hex digits>', optionally followed by '# comment'";
    expect(Approval.required('prod.txt').read(root, "environment 'prod'", ['web', 'api'])).toEqual({
      releases: [],
      problems: lines.map(
        (line, i) =>
          `environment 'prod': 'approval record prod.txt line ${i + 1}' ${wanted}, got '${line}'. Fix or remove that line.`,
      ),
    });
  });

  test("a delivery of one image reads its bare digests, and lines that name its image 'app'", () => {
    const root = mkdtempSync(join(tmpdir(), 'approval-'));
    writeFileSync(join(root, 'prod.txt'), `${digest('a')}\napp=${digest('b')}\n`);
    expect(Approval.required('prod.txt').read(root, 'x')).toEqual({
      releases: [`app=${digest('a')}`, `app=${digest('b')}`],
      problems: [],
    });
  });
});
