import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// The run's steps that keep the books (the ledger domain's rules applied to a run's outputs): fees billed on
/// debit notes or on next invoices, credit on account used, documents numbered.
enum Books {
  /// `fees billed on next invoice`: the fees earlier runs charged and nothing billed yet go on this run's
  /// invoices (each on its customer's first invoice in its currency).
  static func billFeesOnInvoices(_ out: inout RunOutput, journal: Journal?) {
    let unbilled = (journal?.fees ?? []).filter { $0.billedOn == nil }
    guard !unbilled.isEmpty else { return }
    let (billed, failures) = FeeBook.bill(unbilled, on: &out.billing.invoices)
    out.feeBillings += billed
    out.billing.failures += failures
  }

  /// `fees billed as debit notes`: a debit note for each fee not billed yet (earlier runs' and this run's), among
  /// the invoices; its contract is that of the invoice whose fee it bills.
  static func billFeesOnDebitNotes(_ out: inout RunOutput, journal: Journal?, data d: Dataset, asOf: CivilDate) {
    let unbilled = (journal?.fees ?? []).filter { $0.billedOn == nil } + out.fees
    guard !unbilled.isEmpty else { return }
    let reminders = out.collections?.reminders ?? []
    let byKey = Dictionary(reminders.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { a, _ in a })
    for f in unbilled {
      let name = d.customerIndex[f.customer].map { d.customers[$0].name } ?? ""
      var note = byKey[f.reminder].map { FeeBook.debitNote(f, reminder: reminders[$0]) } ?? FeeBook.debitNote(f, customerName: name, issued: asOf)
      if let i = d.invoiceIDs.find(f.invoice, in: d.invoices), d.contracts.indices.contains(Int(d.invoices[i].contract)) {
        note.contractID = d.contracts[Int(d.invoices[i].contract)].id
      }
      out.billing.invoices.append(note)
      out.feeBillings.append((f.key, note.key))
    }
    OutputOrder.sortInvoices(&out.billing.invoices)
  }

  /// `account credit applied oldest first`: credit on account (the ledger's and this run's payments') pays the
  /// customers' oldest open invoices; the uses join the run's cash applications and count as paid for dunning.
  static func useCredit(_ r: inout CashResult, data d: inout Dataset, journal: Journal?, plan: ExecutablePlan, asOf: CivilDate) {
    // A payment returned (by an earlier run or this one) leaves no credit: it is taken back.
    var returned = journal?.reversedPayments() ?? []
    for k in r.applications.indices { if let back = r.applications[k].returnOf, back.reversed { returned.insert(back.original) } }
    // Nor does a posting a person's resolution replaced: the one in force counts.
    returned.formUnion(journal?.supersededPostings ?? [])
    let history = (journal?.postedPayments ?? []).filter { !returned.contains($0.key) }
    let credit = CreditBook.balances(history: history, run: r.applications)
    let uses = CreditBook.use(credit, data: d, asOf: asOf, rule: plan.creditUseRule)
    guard !uses.isEmpty else { return }
    var used = r
    used.applications = uses
    d.recordPayments(used)
    r.applications += uses
  }

  /// Numbers for the run's documents (`Numbering`), continuing the ledger's sequences.
  static func number(_ out: inout RunOutput, plan: ExecutablePlan, data: Dataset, journal: Journal?, provisional: Bool) {
    let (given, failures) = Numbering.assign(
      &out.billing.invoices, plan: plan, data: data, last: journal?.sequences ?? [:], provisional: provisional)
    out.numbers = given
    out.billing.failures += failures
  }
}
