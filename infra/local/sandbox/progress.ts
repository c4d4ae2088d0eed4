import { performance } from 'node:perf_hooks';

/** Numbered progress lines: `[2/6] title ... ok (41 ms)`, then indented details; `[stop]` for a named step. */
export class Progress {
  private index = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly total: number,
    /** Shown instead of the number, for a step outside the sequence. */
    private readonly label?: string,
  ) {}

  /** Runs one step; `details` turns its result into the lines shown under it. */
  async step<T>(title: string, run: () => Promise<T>, details: (value: T) => readonly string[] = () => []): Promise<T> {
    this.index += 1;
    this.write(`[${this.label ?? `${this.index}/${this.total}`}] ${title} ... `);
    const started = performance.now();
    let value: T;
    try {
      value = await run();
    } catch (error) {
      this.write('FAILED\n');
      throw error;
    }
    this.write(`ok (${Math.round(performance.now() - started)} ms)\n`);
    for (const line of details(value)) this.write(`      ${line}\n`);
    return value;
  }
}
