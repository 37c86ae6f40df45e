import { crashed } from '../../../../lib/cli/private/crash';

/** The report of a crash, line by line, and its exit status. */
function report(error: unknown, debug: boolean) {
  const lines: string[] = [];
  const code = crashed('deploy', error, { debug, version: '9.9.9', write: (l) => lines.push(l) });
  return { code, lines };
}

describe('a crash', () => {
  test('is told apart from a user error: exit 70, what it says, and a request for a report', () => {
    expect(
      report(new TypeError("Cannot read properties of undefined (reading 'x')"), false),
    ).toEqual({
      code: 70,
      lines: [
        "[deploy] crashed: Cannot read properties of undefined (reading 'x')",
        '[deploy] This is a bug of cdktf-deployment-pipeline 9.9.9: please report it with the command line and this output (run it again with --debug to see where it happened).',
      ],
    });
  });

  test('with --debug, the stack follows', () => {
    const error = new RangeError('out of range');
    const { code, lines } = report(error, true);
    expect(code).toBe(70);
    expect(lines).toEqual([
      '[deploy] crashed: out of range',
      '[deploy] This is a bug of cdktf-deployment-pipeline 9.9.9: please report it with the command line and this output.',
      error.stack,
    ]);
    expect(lines[2]).toMatch(/^RangeError: out of range\n {4}at /);
  });

  test('a thrown value that is not an Error is reported as text', () => {
    expect(report('a string', false).lines[0]).toBe('[deploy] crashed: a string');
  });
});
