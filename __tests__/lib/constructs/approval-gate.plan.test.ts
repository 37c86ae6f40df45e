import { TerraformStack, TerraformVariable, Testing } from 'cdktf';

import { ApprovalGate } from '../../../lib';
import { releaseId, releaseKey } from '../../../lib/private/release';
import { planOf } from '../../../lib/testing';
import { escape } from '../../helpers/output';

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const RELEASE = { web: `reg/web@${digest('a')}`, api: `reg/api@${digest('b')}` };
const KEY = `api=${digest('b')},web=${digest('a')}`;

/** A gate whose inputs are variables, so that each case is decided by the engine's plan. */
function gateStack(images: { readonly [name: string]: string }): TerraformStack {
  const stack = new TerraformStack(Testing.app(), 'gate');
  const required = new TerraformVariable(stack, 'required', { type: 'bool' });
  const approved = new TerraformVariable(stack, 'approved', { type: 'list(string)' });
  new ApprovalGate(stack, 'Gate', {
    images,
    required: required.booleanValue,
    approvedReleases: approved.listValue,
    environment: 'prod',
    howToApprove: 'Run approve <environment> <release>.',
  });
  return stack;
}

const plan = (
  required: boolean,
  approved: string[],
  images: { readonly [name: string]: string } = RELEASE,
) => planOf(gateStack(images), { variables: { required, approved } });

/**
 * planOf's error when the engine refuses the gate: the precondition with the values the engine
 * shows for it, then exactly `message`.
 */
const refusal = (message: string) =>
  new RegExp(
    `^planOf\\(gate\\): \\S*tofu failed: Error: Resource precondition failed local\\.Gate_ReleaseKey_[0-9A-F]{8} is "[^"]+" var\\.approved is [^"]+ var\\.required is true ${escape(message)}$`,
  );

describe('ApprovalGate, decided by the engine', () => {
  test('the key and id the engine computes are the ones the CLI computes', () => {
    expect(releaseKey(RELEASE)).toBe(KEY);
    expect(releaseId(RELEASE)).toMatch(/^[0-9a-f]{12}$/);
  });

  test('no approval required: the gate passes whatever is approved', () => {
    expect(plan(false, []).changes.map((c) => c.actions)).toEqual([['create']]);
  });

  test('approval required and the release approved as a whole: the gate passes', () => {
    expect(plan(true, [`api=${digest('c')},web=${digest('a')}`, KEY]).changes).toEqual([
      {
        address: expect.stringMatching(/^terraform_data\.Gate_Check_[0-9A-F]{8}$/),
        actions: ['create'],
        values: { input: { release: KEY } },
      },
    ]);
  });

  test('approval required, and only web was approved before: the plan fails, naming the release, the api digest and how to approve', () => {
    expect(() => plan(true, [`api=${digest('c')},web=${digest('a')}`])).toThrow(
      refusal(
        `Release ${releaseId(RELEASE)} is not approved for prod: not approved: api ${digest('b')}. Run approve prod ${releaseId(RELEASE)}.`,
      ),
    );
  });

  test('approval required, and each image was approved, but in other releases: the plan fails, saying so', () => {
    expect(() =>
      plan(true, [
        `api=${digest('c')},web=${digest('a')}`,
        `api=${digest('b')},web=${digest('d')}`,
      ]),
    ).toThrow(
      refusal(
        `Release ${releaseId(RELEASE)} is not approved for prod: its images were approved, but in other releases, never together. Run approve prod ${releaseId(RELEASE)}.`,
      ),
    );
  });

  test('a release of one image: approved by its key, refused naming its digest', () => {
    const one = { app: `reg/app@${digest('c')}` };
    expect(plan(true, [`app=${digest('c')}`], one).changes.map((c) => c.actions)).toEqual([
      ['create'],
    ]);
    expect(() => plan(true, [], one)).toThrow(
      refusal(
        `Release ${releaseId(one)} is not approved for prod: not approved: app ${digest('c')}. Run approve prod ${releaseId(one)}.`,
      ),
    );
  });
});
