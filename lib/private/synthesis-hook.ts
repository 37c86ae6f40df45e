import { IStackSynthesizer, ISynthesisSession, TerraformStack } from 'cdktf';

/**
 * Runs `after` once the stack has been synthesized, with the session (its `outdir` is the app's
 * output folder). The stack's own synthesizer runs first, unchanged.
 */
export function afterSynthesis(
  stack: TerraformStack,
  after: (session: ISynthesisSession) => void,
): void {
  stack.synthesizer = new AfterSynthesis(stack.synthesizer, after);
}

class AfterSynthesis implements IStackSynthesizer {
  constructor(
    private readonly inner: IStackSynthesizer,
    private readonly after: (session: ISynthesisSession) => void,
  ) {}

  public synthesize(session: ISynthesisSession): void {
    this.inner.synthesize(session);
    this.after(session);
  }
}

/**
 * Runs `before` with the session just before the stack is synthesized (before its synthesizer
 * and the hooks added so far).
 */
export function beforeSynthesis(
  stack: TerraformStack,
  before: (session: ISynthesisSession) => void,
): void {
  const inner = stack.synthesizer;
  stack.synthesizer = {
    synthesize(session: ISynthesisSession): void {
      before(session);
      inner.synthesize(session);
    },
  };
}
