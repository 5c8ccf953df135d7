import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel


/// A batch's decisions, each written by the thread that made it (in places of their own) and taken in order.
///
/// A decision stays in its place after its commit (which reads it there): the next batch's decision put there
/// frees it, on the thread that made that one, not on the one thread all commits wait for.
final class DecidedBatch: @unchecked Sendable {
  let items: UnsafeMutableBufferPointer<Matcher.Decided>
  /// The batch each place was last decided for.
  let batchOf: UnsafeMutableBufferPointer<Int32>
  init(_ n: Int) {
    items = .allocate(capacity: n)
    items.initialize(repeating: Matcher.Decided(application: .placeholder, steps: [], failures: [], payers: [], paymentID: ""))
    batchOf = .allocate(capacity: n)
    batchOf.initialize(repeating: -1)
  }
  deinit {
    items.deinitialize()
    items.deallocate()
    batchOf.deallocate()
  }
}

/// Each thread's environment for conditions (by thread: 0 this one, 1 the other).
final class ThreadEnvs: @unchecked Sendable {
  let envs: [Env]
  init(_ envs: [Env]) { self.envs = envs }
}

/// The payments of a run (only read), and its results, written by the thread that decided each (each place by
/// one thread).
final class BatchMemory: @unchecked Sendable {
  let payments: UnsafeBufferPointer<Payment>
  let results: UnsafeMutableBufferPointer<CashApplication>
  init(_ payments: UnsafeBufferPointer<Payment>, _ results: UnsafeMutableBufferPointer<CashApplication>) {
    self.payments = payments
    self.results = results
  }
}

/// Hands a copy of the matcher to the second thread (only read there).
final class MatcherBox: @unchecked Sendable {
  let matcher: Matcher
  init(_ m: Matcher) { matcher = m }
}

extension Matcher {
  /// Applies the payments in `order`, a batch at a time: the batch's payments are decided on two threads
  /// against the state the batch starts from, then committed one by one in order. A payment whose decision may
  /// have read invoices an earlier payment of its batch changed is decided again first, so every result is the
  /// one a single thread applying the payments in order gives.
  ///
  /// What a decision may read: the payer's open invoices (rules that choose among them, or suggest some when
  /// nothing matches), and invoices one by one: those its references name, and those of any customer open for
  /// exactly its amount that `exactAmount` gave; all other state it reads is fixed for the run. A commit
  /// changes invoices: they and their customers are marked, and a later decision of the batch that read a
  /// marked customer's invoices, or a marked invoice, is made again. (`exactAmount` gives the first two
  /// invoices of the amount still open and not taken; commits only close and take invoices, so its answer can
  /// change only when one it gave changes.)
  mutating func applyInBatches(
    _ order: [Int], _ payments: [Payment], _ refs: [[[FoundRef]]], batchSize: Int, _ slots: [Int32], _ results: inout [CashApplication]
  ) {
    let envs = ThreadEnvs([env, Matcher.env(plan, asOf)])
    // The batch that last changed a customer's invoices, and the invoices changed in this batch.
    var changed = [Int32](repeating: -1, count: data.customers.count)
    var changedInvoices = Set<Int32>()
    let batchSize = max(1, min(batchSize, order.count))
    let decided = DecidedBatch(batchSize)
    var batch: Int32 = 0
    var start = 0
    payments.withUnsafeBufferPointer { payments in
      results.withUnsafeMutableBufferPointer { results in
        let memory = BatchMemory(payments, results)
        while start < order.count {
          let slice = Array(order[start..<min(order.count, start + batchSize)])
          let box = MatcherBox(self)
          let parts = min(16, slice.count)
          let thisBatch = batch
          // Each thread decides whole chunks and moves each application into its place among the results (the
          // commit below replaces it if it must be decided again); the rest of the decision is kept for the commit.
          TwoThreads.chunks(
            parts,
            { thread, k in
              for j in slice.count * k / parts..<slice.count * (k + 1) / parts {
                let pi = slice[j]
                var x = box.matcher.decide(PaymentView(memory.payments, pi), refs: refs[pi], env: envs.envs[thread])
                box.matcher.markNamed(&x, refs[pi])
                swap(&memory.results[Int(slots[pi])], &x.application)
                decided.items[j] = consume x
                decided.batchOf[j] = thisBatch
              }
            }, inOrder: { _ in })
          // Decisions are read in place (a copy would retain all their arrays).
          func commitMarking(_ x: UnsafePointer<Decided>) {
            // What the commit changes: the invoices it allocates to and those it holds for review.
            for change in x.pointee.changes {
              changed[Int(change.customer)] = batch
              changedInvoices.insert(change.invoice)
            }
            commit(x)
          }
          for (j, pi) in slice.enumerated() {
            let kept = UnsafePointer(decided.items.baseAddress! + j)
            // (Every place of the batch was decided; were one not, it is decided here, on the state as it is.)
            if decided.batchOf[j] == batch && !stale(kept, changed, changedInvoices, batch) {
              commitMarking(kept)
            } else {
              var x = decide(PaymentView(payments, pi), refs: refs[pi], env: env)
              swap(&results[Int(slots[pi])], &x.application)
              withUnsafePointer(to: &x) { commitMarking($0) }
            }
          }
          changedInvoices.removeAll(keepingCapacity: true)
          batch += 1
          start += slice.count
        }
      }
    }
  }

  /// Whether a decision read the open invoices of a customer changed in this batch, or an invoice changed in it.
  func stale(_ x: UnsafePointer<Decided>, _ changed: [Int32], _ changedInvoices: Set<Int32>, _ batch: Int32) -> Bool {
    for c in x.pointee.payers where c >= 0 && changed[Int(c)] == batch { return true }
    return x.pointee.watched.contains { changedInvoices.contains($0) }
  }

  /// Adds the invoices the references name to those a decision read one by one (only they are read: whether
  /// open, taken or held, and for how much).
  func markNamed(_ x: inout Decided, _ refs: [[FoundRef]]) {
    for list in refs {
      for r in list { x.watched += r.invoices }
    }
  }

  /// Commits a decided application: what it takes off open invoices or holds for review, and its failures.
  mutating func commit(_ x: UnsafePointer<Decided>) {
    if !x.pointee.failures.isEmpty { failures += x.pointee.failures }
    for change in x.pointee.changes {
      let i = Int(change.invoice)
      taken[i] = true
      if change.reserve { state.reservedBy[change.invoice] = x.pointee.paymentID }
      if change.open >= 0 { open[i] = change.open }
    }
  }

  /// What committing a decision changes: an invoice's open amount (-1: unchanged), and whether it is taken by
  /// this payment, or held for its review (`reserve`).
  struct Change {
    var invoice: Int32
    var open: Int64
    var reserve: Bool
    /// The invoice's customer, which a batch's commit marks as changed (read here, on the deciding thread).
    var customer: Int32
  }

  func change(_ i: Int32, open: Int64, reserve: Bool) -> Change {
    Change(invoice: i, open: open, reserve: reserve, customer: customerOf[Int(i)])
  }
}
