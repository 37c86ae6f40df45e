import { ApprovalGate } from '../../../lib';
import { resources, testStack } from '../../helpers/test-app';

describe('ApprovalGate', () => {
  test('a precondition passes when no approval is required or the digest is approved', () => {
    const stack = testStack();
    new ApprovalGate(stack, 'Gate', {
      image: 'reg/app@sha256:abc',
      required: true,
      approvedDigests: ['sha256:abc'],
      environment: 'prod',
      howToApprove: 'Run approve <environment> <digest>.',
    });
    const [gate] = resources(stack, 'terraform_data');
    expect(gate).toEqual({
      input: { image: 'reg/app@sha256:abc' },
      lifecycle: {
        precondition: [
          {
            condition:
              '${(!true || contains(["sha256:abc"], element(split("@", "reg/app@sha256:abc"), 1)))}',
            error_message:
              '${element(split("@", "reg/app@sha256:abc"), 1)} is not approved for prod. Run approve prod ${element(split("@", "reg/app@sha256:abc"), 1)}.',
          },
        ],
      },
    });
  });
});
