/** jest's globalTeardown of the unit and tool tests: removes the run's TMPDIR (tmpdir-setup.ts). */
import { rmSync } from 'node:fs';

export default function teardown(): void {
  const folder = process.env.CDKTF_PIPELINE_TEST_TMPDIR;
  if (!folder) return;
  rmSync(folder, { recursive: true, force: true });
  const outer = process.env.CDKTF_PIPELINE_OUTER_TMPDIR;
  if (outer) process.env.TMPDIR = outer;
  else delete process.env.TMPDIR;
  delete process.env.CDKTF_PIPELINE_TEST_TMPDIR;
  delete process.env.CDKTF_PIPELINE_OUTER_TMPDIR;
}
