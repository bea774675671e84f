// The e2e suite's checks: each one printed as it is made, all counted, none stopping the run
// (a failed check early on still lets the rest say what they see).
export class Checks {
  private passed = 0;
  private failed: string[] = [];

  ok(what: string, ok: boolean, detail?: string): void {
    if (ok) this.passed++;
    else this.failed.push(what);
    console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${!ok && detail ? ` (${detail})` : ''}`);
  }

  /** Prints the tally; true when nothing failed. */
  summary(): boolean {
    for (const f of this.failed) console.log(`failed: ${f}`);
    console.log(`${this.passed} passed, ${this.failed.length} failed`);
    return this.failed.length === 0 && this.passed > 0;
  }
}
