import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

/// Applies incoming payments to open invoices with the match rules.
public enum CashApplicationRun {
  /// Payments to match from which they are decided in batches on two threads, and a batch's size.
  public static let batchesFrom = 20_000
  public static let batchSize = 4096

  /// Matches every payment booked on or before `asOf` that the journal (`history`) does not record yet.
  ///
  /// From `batchesFrom` payments to match, they are decided `batchSize` at a time on two threads
  /// (`Matcher.applyInBatches`), and their references found on two threads (from `Matcher.parallelAt` too);
  /// the results are the same either way.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [JournalItem] = [], explanations: Bool = true,
    batchesFrom: Int = CashApplicationRun.batchesFrom, batchSize: Int = CashApplicationRun.batchSize
  ) -> CashResult {
    let payments = data.cash.payments
    let done = Set(history.lazy.filter { $0.kind == .match }.map(\.key))
    var out = CashResult(asOf: asOf, applications: [], alreadyApplied: 0, ignored: 0, failures: [])
    // Returns linked to their original among this run's payments and those the ledger records.
    let (posted, returnedBefore, retry) = ReturnLinks.read(history)
    // The ledger's payments whose statement is no longer in the data folder join the candidates (by the trace the
    // ledger kept), after this run's payments: a return's original is found by index in `candidates`.
    let candidates = ReturnLinks.candidates(payments, posted: posted, asOf: asOf)
    let links = ReturnLinks(candidates, asOf: asOf, done: done, returnedBefore: returnedBefore, retry: retry)
    // The applications this run's returns reverse are undone before any payment is matched: a payment of the same
    // run sees the returned payment's invoices open again (and the journal replays a run's returns first).
    var data = data
    for original in links.reversed(candidates, posted: posted) { data.reverse(original) }
    // The reference table and the payer names are built on threads of their own (for many invoices) from the
    // start, while duplicates are found and the other tables made.
    // (Only when some payment may need them: not when the journal records them all, say.)
    let mayMatch = payments.contains { p in
      p.transaction.bookingDate <= asOf && p.transaction.amount > .zero && !p.transaction.reversal && !p.transaction.isReturn
        && (done.isEmpty || !done.contains("payment:" + p.id))
    }
    let tables = mayMatch ? MatchTables(plan: plan, invoices: data.invoices, customers: data.customers) : nil
    let intake = PaymentIntake(payments, asOf: asOf, done: done, returns: links)
    (out.alreadyApplied, out.ignored) = (intake.alreadyApplied, intake.ignored)
    let (slots, held, toMatch) = (intake.slots, intake.held, intake.toMatch)
    // The applications, each written once in its place (an array of optionals, then moved into one without
    // them, moved every application three times).
    var results = [CashApplication](repeating: .placeholder, count: Int(intake.count))
    payments.withUnsafeBufferPointer { buf in
      for h in held {
        var a = Matcher.held(PaymentView(buf, h.payment), queue: h.queue, reason: h.reason)
        if h.queue == "returns" { links.complete(&a, payment: h.payment, candidates, posted: posted) }
        results[Int(slots[h.payment])] = a
      }
    }
    // The matcher's tables are made only when some payment is left to match (tables begun on other threads are
    // waited for: no thread outlives the run).
    guard !toMatch.isEmpty else {
      _ = tables?.references
      out.applications = results
      out.tally()
      return out
    }
    PhaseLog.mark("duplicates and reversals")
    // The references in the payments are looked for on another thread from when the reference table is ready,
    // while this one makes the matcher's tables; then on both.
    let made = tables ?? MatchTables(plan: plan, invoices: data.invoices, customers: data.customers)
    let finding = ReferenceFinding(
      toMatch, in: payments, plan: plan, invoices: data.invoices, tables: made, parallelAt: min(batchesFrom, Matcher.parallelAt))
    var m = Matcher(plan: plan, data: data, asOf: asOf, explaining: explanations, tables: made)
    PhaseLog.mark("tables of open invoices")
    // Payments that name open invoices go first (each group in booking date, then id order), so a guess from the
    // amount alone never takes an invoice another payment names. The references found are kept for the rules.
    let (refs, names) = m.references(finding, of: toMatch, in: payments)
    var naming: [Int] = []
    var others: [Int] = []
    for (k, pi) in toMatch.enumerated() { if names[k] { naming.append(pi) } else { others.append(pi) } }
    PhaseLog.mark("references found")
    let order = naming + others
    if order.count >= batchesFrom {
      m.applyInBatches(order, payments, refs, batchSize: batchSize, slots, &results)
    } else {
      // Payments passed from a buffer (an array element passed on is copied first, retaining all its strings).
      payments.withUnsafeBufferPointer { buf in
        for pi in order { results[Int(slots[pi])] = m.apply(PaymentView(buf, pi), refs: refs[pi]) }
      }
    }
    PhaseLog.mark("rules applied")
    out.applications = results
    out.failures = m.failures
    // What the run made for itself (the references found, a million-invoice matcher) is freed on another thread
    // while this one counts the results.
    TwoThreads.free((consume refs, consume m, consume made, consume tables, consume finding), while: { out.tally() })
    return out
  }
}
