// cdktf's matchers, from their own module: what Testing.setupJest() calls, without loading all of
// cdktf into test files that never synthesize.
import { setupJest } from 'cdktf/lib/testing/adapters/jest';

setupJest();

// Review environments are named by PIPELINE_REVIEW_IDS; a caller's value (a merge request
// pipeline runs the unit tests with one) must not change what the tests synthesize. Tests that
// want review environments name them.
delete process.env.PIPELINE_REVIEW_IDS;

// The state store follows PIPELINE_STATE (a clone set up with PIPELINE_STATE=pg has it in
// pipeline.env); tests that want PostgreSQL state ask for it.
delete process.env.PIPELINE_STATE;
delete process.env.PG_CONN_STR;
