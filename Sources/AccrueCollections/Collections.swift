import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import AccrueParallel

/// Runs the dunning cadences against open invoices as of a date.
public enum Collections {
  /// Produces the reminders due as of `asOf`. `history` holds what was produced before (the journal),
  /// in addition to the data folder's reminders.csv; nothing in it is produced again. Without `explanations`,
  /// reminders leave out why they fired (cheaper for large text runs).
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [SentReminder] = [], whyNot: String? = nil,
    extraInvoices: [OpenInvoice] = [], explanations: Bool = true, parallelAt: Int = Collections.parallelThreshold
  ) -> CollectionsResult {
    let all = data.collections.sent + history
    var run = CollectionsRun(plan: plan, data: data, asOf: asOf, history: all, whyNot: whyNot, explaining: explanations)
    let (byCustomer, open) = run.prepare(extraInvoices)
    PhaseLog.mark("open invoices by customer")
    let n = byCustomer.customers
    guard open >= parallelAt, n >= 2 else {
      let (reminders, failures) = run.process(0..<n, byCustomer)
      var r = CollectionsResult(asOf: asOf, reminders: reminders, openInvoices: open, whyNot: run.why?.steps, failures: failures)
      r.waitingForReview = run.held.sorted()
      return r
    }
    // Customers are independent: they are cut into chunks of about the same number of open invoices, which this
    // thread and a second one take in turn, each with its own run state (environment, caches); results are joined
    // in customer order, as one pass gives them.
    var other = CollectionsRun(plan: plan, data: data, asOf: asOf, history: all, whyNot: whyNot, explaining: explanations, why: run.why)
    other.invoices = run.invoices
    let parts = min(n, 64)
    let bounds = (0...parts).map { k in k == 0 ? 0 : k == parts ? n : byCustomer.customer(at: open * k / parts) }
    let boxes = [CollectionsBox(run, byCustomer), CollectionsBox(other, byCustomer)]
    var reminders: [Reminder] = []
    var failures: [RunFailure] = []
    TwoThreads.chunks(
      parts, { thread, k in boxes[thread].run.process(bounds[k]..<max(bounds[k], bounds[k + 1]), boxes[thread].byCustomer) },
      inOrder: { r in
        reminders.moveAppend(&r.0, placeholder: .placeholder)
        failures += r.1
      })
    PhaseLog.mark("reminders")
    var r = CollectionsResult(asOf: asOf, reminders: reminders, openInvoices: open, whyNot: run.why?.steps, failures: failures)
    r.waitingForReview = (boxes[0].run.held + boxes[1].run.held).sorted()
    return r
  }

  /// Runs of at least this many open invoices use two threads.
  public static let parallelThreshold = 50_000
}

/// One thread's run state (the thread owns it while the chunks run).
final class CollectionsBox: @unchecked Sendable {
  var run: CollectionsRun
  let byCustomer: CustomerLists
  init(_ run: CollectionsRun, _ byCustomer: CustomerLists) {
    self.run = run
    self.byCustomer = byCustomer
  }
}
