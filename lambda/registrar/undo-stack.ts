/**
 * Steps that put Okta back the way it was, run newest first when an operation fails part-way:
 * CloudFormation sends no delete for a failed create, and a failed update must not leave a live rule
 * on a half-changed hook.
 */
export class UndoStack {
  private readonly steps: { readonly what: string; readonly run: () => Promise<void> }[] = [];

  constructor(private readonly log: (event: object) => void) {}

  push(what: string, run: () => Promise<void>): void {
    this.steps.push({ what, run });
  }

  /** Runs every step; returns what could not be undone (empty when Okta is back as it was). */
  async unwind(): Promise<string[]> {
    const left: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.run();
        this.log({ event: 'undone', what: step.what });
      } catch (error) {
        left.push(step.what);
        this.log({ event: 'undo-failed', what: step.what, error: error instanceof Error ? error.message : String(error) });
      }
    }
    return left;
  }
}

/** The original error, its message extended with what is left in Okta when undoing failed. */
export async function failAfterUndo(undo: UndoStack, error: unknown): Promise<never> {
  const left = await undo.unwind();
  if (left.length > 0 && error instanceof Error) {
    error.message += `; could not undo: ${left.join(', ')} (fix these in the okta admin console)`;
  }
  throw error;
}
