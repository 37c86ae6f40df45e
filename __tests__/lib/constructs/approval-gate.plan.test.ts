import { TerraformStack, TerraformVariable, Testing } from 'cdktf';

import { ApprovalGate } from '../../../lib';
import { planOf } from '../../../lib/testing';

const IMAGE = `reg/app@sha256:${'c'.repeat(64)}`;
const DIGEST = `sha256:${'c'.repeat(64)}`;

/** A gate whose inputs are variables, so that each case is decided by the engine's plan. */
function gateStack(): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'gate');
  const required = new TerraformVariable(stack, 'required', { type: 'bool' });
  const approved = new TerraformVariable(stack, 'approved', { type: 'list(string)' });
  new ApprovalGate(stack, 'Gate', {
    image: IMAGE,
    required: required.booleanValue,
    approvedDigests: approved.listValue,
    environment: 'prod',
    howToApprove: 'Run approve <environment> <digest>.',
  });
  return stack;
}

const plan = (required: boolean, approved: string[]) =>
  planOf(gateStack(), { variables: { required, approved } });

describe('ApprovalGate, decided by the engine', () => {
  test('no approval required: the gate passes whatever is approved', () => {
    expect(plan(false, []).changes.map((c) => c.actions)).toEqual([['create']]);
  });

  test('approval required and the digest approved: the gate passes', () => {
    expect(plan(true, ['sha256:other', DIGEST]).changes).toEqual([
      {
        address: expect.stringMatching(/^terraform_data\.Gate_Check_[0-9A-F]{8}$/),
        actions: ['create'],
        values: { input: { image: IMAGE } },
      },
    ]);
  });

  test('approval required and the digest not approved: the plan fails, naming digest, environment and how to approve', () => {
    // The engine's precondition message ends the error; the plan names nothing else to fix.
    expect(() => plan(true, ['sha256:other'])).toThrow(
      new RegExp(
        `: Resource precondition failed .* ${DIGEST} is not approved for prod\\. Run approve prod ${DIGEST}\\.$`,
      ),
    );
  });
});
