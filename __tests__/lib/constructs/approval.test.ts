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
});
