import { chmodSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { contentHash } from '../../../lib/private/content-hash';

const SERVICE = join(__dirname, '..', '..', '..', 'service', 'web');

function copyOfService(): string {
  const dir = mkdtempSync(join(tmpdir(), 'content-hash-'));
  cpSync(SERVICE, dir, { recursive: true });
  return dir;
}

describe('contentHash', () => {
  test('is the same for the same files in another folder', () => {
    expect(contentHash(copyOfService())).toBe(contentHash(SERVICE));
  });

  test('changes when a file changes', () => {
    const dir = copyOfService();
    writeFileSync(join(dir, 'www', 'index.html'), 'changed');
    expect(contentHash(dir)).not.toBe(contentHash(SERVICE));
  });

  test('changes when a file is added', () => {
    const dir = copyOfService();
    writeFileSync(join(dir, 'extra'), '');
    expect(contentHash(dir)).not.toBe(contentHash(SERVICE));
  });

  test('changes when the executable bit changes', () => {
    const dir = copyOfService();
    chmodSync(join(dir, 'www', 'index.html'), 0o755);
    expect(contentHash(dir)).not.toBe(contentHash(SERVICE));
  });

  test('is 64 hex digits', () => {
    expect(contentHash(SERVICE)).toMatch(/^[0-9a-f]{64}$/);
  });
});
