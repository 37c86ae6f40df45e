/**
 * jest's globalSetup of the unit and tool tests: one temporary folder for the whole run, handed to
 * the test workers as TMPDIR, so that what the tests and cdktf's Testing helpers create there
 * (an output folder per `Testing.app()`) goes with it when the run ends (tmpdir-teardown.ts).
 * CDKTF_PIPELINE_TEST_TMPDIR names the folder, CDKTF_PIPELINE_OUTER_TMPDIR the TMPDIR before it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): void {
  // Both projects name this file: the first one to run makes the folder.
  if (process.env.CDKTF_PIPELINE_TEST_TMPDIR) return;
  const folder = mkdtempSync(join(tmpdir(), 'cdktf-pipeline-test-'));
  process.env.CDKTF_PIPELINE_OUTER_TMPDIR = process.env.TMPDIR ?? '';
  process.env.CDKTF_PIPELINE_TEST_TMPDIR = folder;
  process.env.TMPDIR = folder;
}
