/**
 * One group of measurements of `npm run bench`: a file under bench/cases/ exporting a `BenchCase`,
 * listed in bench/run.ts. It prints its section with `out` and returns its budget checks, which the
 * run sums up at the end.
 */

export interface BudgetCheck {
  readonly budget: string;
  readonly ok: boolean;
  readonly measured: string;
}

export interface BenchCase {
  /** Short id, for `BENCH_ONLY=name,...`. */
  readonly name: string;
  readonly title: string;
  /** Its share of the run's time budget, relative to the other cases. */
  readonly weight: number;
  /** Measures within about `budgetMs` of machine time. */
  run(budgetMs: number): Promise<BudgetCheck[]>;
}
