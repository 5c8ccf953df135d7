import AccrueApprovals
import AccrueBilling
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel

/// Credit notes of cancellations (grammar.md §6.6) as the books take them: each settles what its invoice has open
/// (the rest goes on the customer's account, the invoice was paid), before this run's cash and dunning look at
/// the invoice, and is numbered in the credit notes' sequence (`number credit notes`).
extension Books {
  /// Credit notes the ledger issued for a cancellation whose day the contracts file no longer gives (D0317): the
  /// recorded credit stands, and billing would go on as if it had not been given.
  static func changedCancellations(_ journal: Journal, data d: Dataset) -> [DataIssue] {
    var contractOf: [String: String] = [:]
    for r in journal.receivables { contractOf[r.number ?? r.key] = r.contract }
    var out: [DataIssue] = []
    for run in journal.runs {
      for n in run.creditNotes where n.key.hasSuffix(":cancellation") {
        // "cancellation of contract C on DATE: ..." (as issued).
        guard let onRange = n.reason.range(of: " on "), let colon = n.reason[onRange.upperBound...].firstIndex(of: ":"),
          let day = CivilDate.parse(String(n.reason[onRange.upperBound..<colon]))
        else { continue }
        let id = contractOf[n.invoice] ?? d.invoiceIDs.find(n.invoice, in: d.invoices).flatMap { i in
          d.contracts.indices.contains(Int(d.invoices[i].contract)) ? d.contracts[Int(d.invoices[i].contract)].id : nil
        }
        guard let id, let ci = d.contractIndex[id], d.contracts[ci].cancelledOn != day else { continue }
        let c = d.contracts[ci]
        let now = c.cancelledOn.map { "now says \($0)" } ?? "now says it is not cancelled"
        out.append(
          DataIssue(
            code: "D0317", file: c.source.file, line: c.source.line, column: 1,
            message: "contract \(id)'s cancellation on \(day) was credited by \(n.number) (run \(run.number)); the contracts file \(now): "
              + "Accrue does not rewrite an issued credit note: put cancelled_on back to \(day), or settle the difference by hand first",
            record: ""))
      }
    }
    return out
  }

  /// Adds the run's cancellation credit notes to `out.billing` and takes them off the invoices of `d`.
  static func creditCancellations(_ out: inout RunOutput, plan: ExecutablePlan, data d: inout Dataset, journal: Journal?, asOf: CivilDate) {
    if let journal { out.issues += changedCancellations(journal, data: d) }
    let issued = Set((journal?.creditNotes ?? []).map(\.key))
    var (notes, failures) = Billing.cancellationCredits(plan: plan, data: d, asOf: asOf, since: out.billing.since, issued: issued)
    if let journal {
      failures += ConsolidatedCancellations.failures(plan: plan, data: d, journal: journal, asOf: asOf)  // invoice per customer
      do { notes += try CancellationLedger.credits(plan: plan, data: d, journal: journal, asOf: asOf, since: out.billing.since, issued: issued) } catch {
        failures.append(RunFailure(message: error.message, rule: notes.first?.rule ?? RuleRef(file: "", line: 0), subject: "the credit notes of cancellations"))
      }
    }
    out.billing.failures += failures
    // Approval rules for credit notes route these too: a routed one waits (nothing settled, nothing on account) until
    // approved, then the run that computes it again issues it.
    if plan.approvals.contains(where: { $0.subject == .creditNotes }) {
      let ledger = journal ?? Journal()
      var keep = notes.prefix(0)
      for n in notes {
        do throws(JournalError) {
          switch try Decide.gate(n.note, plan: plan, data: d, journal: ledger, asOf: asOf) {
          case .proceed(let approved):
            keep.append(n)
            if let approved { out.approvedIssued[n.note.key] = approved }
          case .held(let h): out.heldRequests.append(h)
          }
        } catch {
          out.billing.failures.append(RunFailure(message: error.message, rule: n.rule, subject: "credit note \(n.note.key)"))
          keep.append(n)
        }
      }
      notes = Array(keep)
    }
    out.billing.creditNotes = notes.map { n in
      var n = n
      if let i = d.invoiceIDs.find(n.note.invoice, in: d.invoices) {
        let open = OpenInvoice.open(d.invoices[i].amount, paid: d.invoices[i].paid)
        n.note.settled = min(open, n.note.total)
        n.paidBefore = d.invoices[i].paid
        d.invoices[i].paid = d.invoices[i].paid.adding(n.note.settled) ?? d.invoices[i].paid
      }
      n.note.credit = n.note.total.subtracting(n.note.settled) ?? .zero
      return n
    }
    out.billing.creditNotes.sort { ($0.note.customer, $0.note.key) < ($1.note.customer, $1.note.key) }
  }

  /// Numbers the run's credit notes (`number credit notes`, in the order of their issue date, customer and key),
  /// continuing the ledger's sequences; a credit note keeps its key as number when the rules number none.
  static func numberCreditNotes(_ out: inout RunOutput, plan: ExecutablePlan, data: Dataset, journal: Journal?, provisional: Bool) {
    guard let rule = plan.creditNoteNumbering, !out.billing.creditNotes.isEmpty else { return }
    var next = journal?.sequences ?? [:]
    for (s, n, _) in out.numbers where n > (next[s] ?? 0) { next[s] = n }
    let order = out.billing.creditNotes.indices.sorted {
      let (x, y) = (out.billing.creditNotes[$0].note, out.billing.creditNotes[$1].note)
      return (x.issueDate.dayNumber, x.customer, x.key) < (y.issueDate.dayNumber, y.customer, y.key)
    }
    for k in order {
      let n = out.billing.creditNotes[k].note
      var entity = ""
      if let field = rule.entity {
        let value = Numbering.entityValue(
          field, customer: data.customerIndex[n.customer], contract: data.contractIndex[out.billing.creditNotes[k].contractID], data)
        guard let t = value, !t.isEmpty else {
          out.billing.failures.append(
            RunFailure(
              message: "\(field.name) is empty for this credit note, so 'per \(field.name)' gives its number no sequence; fill it in the data, or give the field a default",
              rule: rule.rule, subject: "credit note \(n.key)"))
          continue
        }
        entity = t
      }
      let scope = Numbering.scope("credit_note", rule, issued: n.issueDate, entity: entity)
      let seq = (next[scope] ?? 0) + 1
      next[scope] = seq
      out.billing.creditNotes[k].note.number = rule.format(year: n.issueDate.year, month: n.issueDate.month, entity: entity, sequence: seq)
      out.billing.creditNotes[k].note.scope = scope
      out.billing.creditNotes[k].note.sequence = seq
      out.billing.creditNotes[k].numberIsProvisional = provisional
      out.numbers.append((scope, seq, n.key))
    }
  }
}
