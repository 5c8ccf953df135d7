import AccrueCore
import AccrueCompiler
import AccrueData
import AccrueImport
import AccrueModel
import Foundation

/// The cash `accrue apply` applied, as the aging report reads it: the journal of a state folder, and the amounts
/// of the payments it names (from the data folder: the journal records what a payment settled on each invoice,
/// not the payment's amount, nor its credit on account or unapplied rest).
public struct AgingJournal: Sendable {
  public struct PaymentAmount: Sendable, Equatable {
    public var amount: Fixed
    public var currency: Currency
    public init(amount: Fixed, currency: Currency) {
      self.amount = amount
      self.currency = currency
    }
  }

  public var journal: Journal
  /// Payment amounts by payment id (without the `payment:` prefix).
  public var payments: [String: PaymentAmount]

  public init(journal: Journal, payments: [String: PaymentAmount]) {
    self.journal = journal
    self.payments = payments
  }

  /// A payment's rest: on the customer's account, or unapplied.
  struct Cash {
    var customer: String
    var currency: Currency
    var item: AgingReport.Item
  }

  /// What the journal adds as of a date: dated payments per invoice index, the part of each invoice's amount paid
  /// (in the invoices file, without a date) that they date, and cash on account.
  struct Ledger {
    var dated: [Int: [(CivilDate, Fixed)]] = [:]
    var fromFile: [Int: Fixed] = [:]
    var cash: [Cash] = []
    var use = AgingReport.JournalUse()
  }

  /// What the invoices file shows as paid without a date: an open invoice's amount paid; all of a paid or
  /// written-off invoice without `paid_date`; nil when the file dates it (or the invoice is void).
  static func undatedPaid(_ invoices: [OpenInvoice], _ i: Int) -> Fixed? {
    switch invoices[i].status {
    case .open: return invoices[i].paid
    case .paid, .writtenOff: return invoices[i].paidDate == nil ? invoices[i].amount : nil
    case .void: return nil
    }
  }

  /// Reads the journal as of `asOf`, in journal order.
  ///
  /// - Cash the invoices file does not show yet counts only from the runs dated on or before `asOf` (a run dated
  ///   later had not happened): a posted payment (status `applied` or `exception`, as collections counts them)
  ///   settles each invoice it names up to paid-before + settled, on the payment's booking date, unless the
  ///   invoices file already shows it: the invoice's amount paid reached that, or the invoice is no longer open
  ///   there (the rule of `Dataset.recordJournalPayments`).
  /// - A payment the file shows without a date (an amount paid, or a paid invoice without `paid_date`) takes the
  ///   booking date of the journal's payment that covers it (the part from paid-before to paid-before + settled),
  ///   whatever the run's date: the booking date is a fact, and the file already counts the money.
  /// - A payment's rest (its amount, from the data folder's payments, less what it settled) is a credit on
  ///   account when applied, unapplied cash when held in an exceptions queue or unapplied. A suggested payment
  ///   waits for review: it settles nothing and all of it is unapplied cash, unless the invoices file shows every
  ///   invoice it proposed as paid (reviewed and posted): then it counts as applied.
  func ledger(invoices: [OpenInvoice], asOf: CivilDate) -> Ledger {
    var out = Ledger()
    out.use.runs = journal.runs.count { $0.asOf <= asOf }
    out.use.runsAfter = journal.runs.count - out.use.runs
    let named = namedInvoices(invoices)
    datePaidWithoutDate(&out, invoices: invoices, named: named)
    // Cash the file does not show, and what payments left over: runs dated on or before the date, replayed as
    // `Dataset.recordJournal` replays them (each run's returns, then its payments and payouts).
    var paidSoFar: [Int: Fixed] = [:]
    var posted: [String: PostedPayment] = [:]
    // A payment the bank took back (by a run dated by the report's date) leaves no cash waiting, whether or not it
    // had paid something.
    var returned = Set<String>()
    for run in journal.runs where run.asOf <= asOf { for case .paymentReturn(let r) in run.items { returned.insert(r.original) } }
    for run in journal.runs where run.asOf <= asOf {
      for item in journal.cashOrder(run) {
        switch item {
        case .paymentReturn(let r):
          guard r.reversed, let original = posted.removeValue(forKey: r.original) else { continue }
          takeBack(original, returnedOn: r.date, &out, paidSoFar: &paidSoFar, invoices: invoices, named: named)
        case .cashApplication(let payment):
          // A person's resolution or reversal replaces the payment's posting before it: what that one settled is
          // open again from the payment's date (the new posting's settlements are dated the same: the money counts
          // once on every date), and its credit or unapplied rest is gone.
          if let old = payment.supersedes, let before = posted.removeValue(forKey: old) {
            takeBack(before, returnedOn: payment.date, &out, paidSoFar: &paidSoFar, invoices: invoices, named: named)
            out.cash.removeAll { $0.item.id == old }
          }
          posted[payment.key] = payment
          post(payment, &out, paidSoFar: &paidSoFar, invoices: invoices, named: named, returned: returned.contains(payment.key))
        case .payout(let p):
          // A bank credit an earlier run left unapplied that a later one found to be a processor's payout: the
          // processor's money (its charges paid the invoices), no longer cash waiting to be applied.
          out.cash.removeAll { $0.item.id == p.credit && $0.item.kind == .unapplied }
        default: break
        }
      }
    }
    return out
  }

  /// What the invoices file shows as paid of invoice `i` before the journal's payments count: an open invoice's
  /// amount paid, all of a paid or written-off one.
  private static func shownPaid(_ invoices: [OpenInvoice], _ i: Int) -> Fixed {
    invoices[i].status == .open ? invoices[i].paid : invoices[i].amount
  }

  /// A payment returned by a run dated by the report's date: what it settled is open again from the return's
  /// booking date (never more than what counts as paid), and the credit it left on account is taken back.
  private func takeBack(
    _ original: PostedPayment, returnedOn date: CivilDate, _ out: inout Ledger, paidSoFar: inout [Int: Fixed], invoices: [OpenInvoice],
    named: [String: Int]
  ) {
    out.cash.removeAll { $0.item.id == original.key }
    guard original.status?.postsAllocations == true else { return }
    for x in original.settlements {
      // (A file that shows the invoice paid on a date was exported before the return: the return reopens it.)
      guard let i = named[x.invoice], i >= 0 else { continue }
      let now = paidSoFar[i] ?? Self.shownPaid(invoices, i)
      let back = min(x.settled, now)
      guard back > .zero, let negative = Fixed.zero.subtracting(back) else { continue }
      out.dated[i, default: []].append((date, negative))
      paidSoFar[i] = now.subtracting(back) ?? .zero
    }
  }

  /// The index of each invoice the journal names (-1: not in the invoices file); only those are looked up.
  private func namedInvoices(_ invoices: [OpenInvoice]) -> [String: Int] {
    var named: [String: Int] = [:]
    for run in journal.runs {
      for case .cashApplication(let payment) in run.items {
        for x in payment.settlements { named[x.invoice] = -1 }
      }
    }
    if !named.isEmpty {
      for i in invoices.indices where !invoices[i].isCreditNote && named[invoices[i].id] == -1 { named[invoices[i].id] = i }
    }
    return named
  }

  /// Dates for what the file shows paid without one: each journal payment's part of it, on its booking date.
  private func datePaidWithoutDate(_ out: inout Ledger, invoices: [OpenInvoice], named: [String: Int]) {
    var datedUpTo: [Int: Fixed] = [:]
    // A posting a person's resolution replaced settled nothing.
    let superseded = journal.supersededPostings
    for run in journal.runs {
      for case .cashApplication(let item) in run.items where !superseded.contains(item.key) {
        for x in item.settlements {
          guard let i = named[x.invoice], i >= 0, let shown = AgingJournal.undatedPaid(invoices, i) else { continue }
          let lo = max(x.paidBefore, datedUpTo[i] ?? .zero)
          let hi = min(x.paidAfter, shown)
          guard hi > lo, let part = hi.subtracting(lo) else { continue }
          out.dated[i, default: []].append((item.date, part))
          out.fromFile[i] = (out.fromFile[i] ?? .zero).adding(part) ?? part
          datedUpTo[i] = hi
        }
      }
    }
  }

  /// One posted payment of a run dated by the report's date: what it settled that the file does not show yet,
  /// and its rest (credit on account or unapplied cash).
  private func post(
    _ item: PostedPayment, _ out: inout Ledger, paidSoFar: inout [Int: Fixed], invoices: [OpenInvoice], named: [String: Int],
    returned: Bool = false
  ) {
    out.use.payments += 1
    let status = item.status
    var settled = Fixed.zero
    var shown = true
    for x in item.settlements {
      settled = settled.adding(x.settled) ?? settled
      guard let i = named[x.invoice], i >= 0 else {
        if status?.postsAllocations == true { out.use.settlementsUnknown += 1 }
        shown = false
        continue
      }
      let target = x.paidAfter
      let inFile = invoices[i].status != .open || invoices[i].paid >= target
      guard status?.postsAllocations == true else {
        if !inFile { shown = false }
        continue
      }
      let now = paidSoFar[i] ?? Self.shownPaid(invoices, i)
      if now >= target {
        out.use.settlementsInInvoices += 1
        continue
      }
      out.dated[i, default: []].append((item.date, target.subtracting(now) ?? .zero))
      paidSoFar[i] = target
      out.use.settlementsCounted += 1
    }
    // A use of credit on account takes what it settled off the customer's credit.
    // (A refund of credit on account, `accrue refund-credit`, takes what it refunded off.)
    if CreditBook.isUse(item.key), let m = item.amount {
      let taken = settled.adding(item.refunded) ?? settled
      guard taken > .zero, let negative = Fixed.zero.subtracting(taken) else { return }
      out.cash.append(
        Cash(
          customer: item.customer, currency: m.currency,
          item: AgingReport.Item(
            kind: .creditOnAccount, id: item.key, date: item.date, amount: negative, status: item.refunded > .zero ? "credit refunded" : "credit used")))
      return
    }
    // Returned to the payer by the bank: nothing of it is on account or waiting.
    if returned { return }
    let base = PostedPayment.baseKey(item.key)
    let id = base.hasPrefix("payment:") ? String(base.dropFirst(8)) : base
    // The payment's amount: as the ledger recorded it, else from the data folder (a journal file did not record it).
    guard let pay = item.amount.map({ PaymentAmount(amount: $0.amount, currency: $0.currency) }) ?? payments[id] else {
      out.use.paymentsNotInData.append(item.key)
      return
    }
    // What is left of it once it settled invoices, wrote an overpayment off and refunded the payer.
    var spent = settled
    for part in [item.overpaymentWrittenOff, item.refunded] { spent = spent.adding(part) ?? spent }
    let rest = pay.amount > spent ? (pay.amount.subtracting(spent) ?? .zero) : .zero
    var parts: [(AgingReport.ItemKind, Fixed)] = []
    switch status {
    case .applied?:
      // An applied payment's rest is credit on account, but what it leaves unapplied (a person's resolution).
      let waiting = min(item.unapplied, rest)
      parts = [(.creditOnAccount, rest.subtracting(waiting) ?? .zero), (.unapplied, waiting)]
    case .suggested? where shown && !item.settlements.isEmpty: parts = [(.creditOnAccount, rest)]
    case .suggested?: parts = [(.unapplied, pay.amount)]
    case .exception?, .unapplied?: parts = [(.unapplied, rest)]
    case .notOurs?, nil: return
    }
    for (kind, amount) in parts where amount > .zero {
      out.cash.append(
        Cash(
          customer: item.customer, currency: pay.currency,
          item: AgingReport.Item(kind: kind, id: item.key, date: item.date, amount: amount, status: creditNoteStatus(item.key) ?? status?.rawValue)))
    }
  }

  /// A credit note's rest on account is shown as the credit note (`credit note CN-2026-0002`); nil for a payment.
  private func creditNoteStatus(_ key: String) -> String? {
    guard CreditNote.isPosting(key) else { return nil }
    return "credit note " + (journal.creditNotes.first { $0.postingKey == key }?.number ?? key)
  }
}

/// What the aging report reads from a data folder.
public struct ReceivablesData: Sendable {
  public var customers: [(id: String, name: String)] = []
  public var invoices: [OpenInvoice] = []
  /// Payment amounts by id (payments.csv and statements/), when asked for.
  public var payments: [String: AgingJournal.PaymentAmount] = [:]
  public var issues: [DataIssue] = []
}

extension Dataset {
  /// Reads what the aging report needs: customers (id, name) and invoices, without rules. Other columns
  /// of the customers file are ignored; invoices' contracts are not checked.
  public static func loadReceivables(folder: String) -> (customers: [(id: String, name: String)], invoices: [OpenInvoice], issues: [DataIssue]) {
    let d = loadReceivables(folder: folder, payments: false)
    return (d.customers, d.invoices, d.issues)
  }

  /// The same, and with `payments` the amounts of the payments (payments.csv and the bank statements in
  /// `statements/`, with the ids cash application gives them), to value what the journal's payments left over;
  /// with `ledger` the documents the ledger holds (at `ledgerPath`), as open invoices beside the file's.
  /// `plan`: the rules, whose custom payment fields and CSV statement formats the payments are read with.
  public static func loadReceivables(
    folder: String, payments: Bool, ledger: [LedgerInvoice] = [], ledgerPath: String = "", plan: ExecutablePlan? = nil
  ) -> ReceivablesData {
    var out = ReceivablesData()
    var issues: [DataIssue] = []
    var index = IDIndex()
    switch DataFolder.find("customers", in: folder) {
    case .failure(let i): issues.append(i)
    case .success(nil):
      issues.append(DataIssue(code: "D0103", file: folder + "/customers.csv", line: 1, column: 1, message: "no customers file (customers.csv, .json or .jsonl)"))
    case .success(let f?):
      let schema = TableSchema(
        name: "customers", columns: [ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "name", type: .text, required: true)])
      let (rows, iss) = TableReader.readAll(f, schema: schema)
      issues += iss.filter { $0.code != "D0202" }  // other columns are for the rules, not for the report
      for row in rows {
        guard case .text(let id) = row.values[0], case .text(let name) = row.values[1] else { continue }
        guard index.add(id, out.customers.count) else {
          issues.append(DataIssue(code: "D0304", file: f.path, line: row.line, column: row.columns[0], message: "duplicate customer id '\(id)'", record: row.raw))
          continue
        }
        out.customers.append((id, name))
      }
    }
    switch DataFolder.find("invoices", in: folder) {
    case .failure(let i): issues.append(i)
    case .success(nil):
      issues.append(DataIssue(code: "D0103", file: folder + "/invoices.csv", line: 1, column: 1, message: "no invoices file (invoices.csv, .json or .jsonl)"))
    case .success(let f?):
      var found: [DataIssue] = []
      (out.invoices, _, _, _) = loadInvoices(f, nil, customerIndex: index, contractIndex: nil, rejected: (0, 0), parallelAt: 16 << 20, &found)
      issues += found.filter { $0.code != "D0202" }  // columns the rules declare
    }
    if !ledger.isEmpty {
      var ids: [String: Int] = [:]
      for (k, i) in out.invoices.enumerated() { ids[i.id] = ids[i.id] ?? k }
      let file: String = { if case .success(let f?) = DataFolder.find("invoices", in: folder) { return f.path } else { return "invoices.csv" } }()
      let customers = out.customers
      issues += Receivables.merge(
        ledger, into: &out.invoices, invoicesFile: file, ledgerPath: ledgerPath, existing: { id, _ in ids[id] }, customer: { index[$0] },
        customerID: { customers.indices.contains($0) ? customers[$0].id : "?" }, contract: { _ in nil }, custom: { _ in [] }
      ).issues
    }
    if payments {
      var found: [DataIssue] = []
      let cash = loadCash(folder: folder, customerIndex: index, rejected: 0, customFields: plan.map(PaymentFields.init), &found)
      // Only the payments are read for the report: issues of accounts.csv are for cash application.
      let accounts: String? = { if case .success(let f?) = DataFolder.find("accounts", in: folder) { return f.path } else { return nil } }()
      issues += found.filter { $0.file != accounts }
      for p in cash.payments {
        out.payments[p.id] = AgingJournal.PaymentAmount(amount: p.transaction.amount, currency: p.transaction.currency)
      }
    }
    out.issues = issues
    return out
  }
}
