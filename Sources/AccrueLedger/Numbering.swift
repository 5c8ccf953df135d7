import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// Numbers for the documents of a run, as the rules state them (`number invoices "NW-{year}-{seq:5}" per year`):
/// gapless in each sequence, continuing from the last number the ledger recorded, given in a stated order. A dry
/// run gives the same numbers, marked provisional: `apply` gives them for good.
public enum Numbering {
  /// A number given: its sequence (`Numbering.scope`), its place in it, and the document's key.
  public typealias Given = (scope: String, sequence: Int, document: String)

  /// The sequence a document's number comes from: the kind it is numbered as (`invoice`, or `debit_note` when
  /// debit notes have a numbering of their own), then the year (`per year`), the year and month (`per month`) and
  /// the scope field's value (`per customer.X`), separated by '/': `invoice/2026`, `debit_note/2026-11/TR`.
  public static func scope(_ kind: LedgerInvoice.Kind, _ r: NumberingRule, issued: CivilDate, entity: String) -> String {
    scope(kind.rawValue, r, issued: issued, entity: entity)
  }

  /// The sequence of a kind named (`credit_note` for credit notes, `CreditNoteIssue`).
  public static func scope(_ kind: String, _ r: NumberingRule, issued: CivilDate, entity: String) -> String {
    var s = kind
    if r.perYear { s += "/" + String(issued.year) }
    if r.perMonth { s += "/" + String(issued.year) + "-" + (issued.month < 10 ? "0" : "") + String(issued.month) }
    if r.entity != nil { s += "/" + entity }
    return s
  }

  /// Gives each document its number, in this order: issue date, then customer id, then key (as bytes compare).
  /// Debit notes use the debit note numbering, or the invoice numbering when the rules state none. `last` is the
  /// last number of each sequence the ledger recorded. Without an invoice numbering nothing is numbered (an
  /// invoice's id is then its key). A document whose scope field has no value cannot be numbered: a failure at
  /// the numbering's rule.
  public static func assign(
    _ documents: inout [PlannedInvoice], plan: ExecutablePlan, data: Dataset, last: [String: Int], provisional: Bool
  ) -> (given: [Given], failures: [RunFailure]) {
    guard let invoices = plan.invoiceNumbering else { return ([], []) }
    // (The fields compared, read once: a comparison that copied two documents retained every string they hold.)
    let dates = documents.map(\.issueDate)
    let customers = documents.map(\.customerID)
    let keys = documents.map(\.key)
    func less(_ a: Int, _ b: Int) -> Bool {
      if dates[a] != dates[b] { return dates[a] < dates[b] }
      let c = customers[a].utf8Order(customers[b])
      return c != 0 ? c < 0 : keys[a].utf8Precedes(keys[b])
    }
    // Documents usually come in that order already (billing's output order): then one pass checks it, and the
    // (stable) sort would give the indices as they are.
    let inOrder = documents.indices.dropFirst().allSatisfy { !less($0, $0 - 1) }
    let order = inOrder ? Array(documents.indices) : documents.indices.sorted(by: less)
    var next = last
    var given: [Given] = []
    var failures: [RunFailure] = []
    // The scope of the document before (documents come by issue date: most share their neighbour's).
    var before: (kind: LedgerInvoice.Kind, issued: CivilDate, entity: String, scope: String)?
    var template: NumberTemplate?  // the format of `before`'s sequence (kept apart: a tuple of it was copied per document)
    var running: (scope: String, n: Int)?
    given.reserveCapacity(order.count)
    // (The rules read once: choosing one per document as an optional copied it twice, ~340 instructions.)
    let debitNotes = plan.debitNoteNumbering
    for i in order {
      let own = documents[i].kind == .debitNote && debitNotes != nil
      let rule = own ? debitNotes! : invoices
      let kind: LedgerInvoice.Kind = own ? .debitNote : .invoice
      var entity = ""
      if let field = rule.entity {
        guard let value = entityValue(field, documents[i], data), !value.isEmpty else {
          failures.append(
            RunFailure(
              message: "\(field.name) is empty for this document, so 'per \(field.name)' gives its number no sequence; fill it in the data, or give the field a default",
              rule: rule.rule, subject: "\(documents[i].kind == .debitNote ? "debit note" : "invoice") \(documents[i].key)"))
          continue
        }
        entity = value
      }
      let issued = documents[i].issueDate
      let s: String
      if let b = before, b.kind == kind, b.issued == issued, b.entity.utf8Order(entity) == 0 {
        s = b.scope
      } else {
        s = scope(kind, rule, issued: issued, entity: entity)
        before = (kind, issued, entity, s)
        template = NumberTemplate(rule, year: issued.year, month: issued.month, entity: entity)
      }
      // The sequence of the scope before counted on here; kept in `next` when another scope comes (most documents
      // share their neighbour's: no hashing of the scope per document).
      let n: Int
      if let r = running, r.scope.utf8Order(s) == 0 {
        n = r.n + 1
      } else {
        if let r = running { next[r.scope] = r.n }
        n = (next[s] ?? 0) + 1
      }
      running = (s, n)
      documents[i].number = template?.number(n) ?? rule.format(year: issued.year, month: issued.month, entity: entity, sequence: n)
      documents[i].numberIsProvisional = provisional
      given.append((s, n, documents[i].key))
    }
    return (given, failures)
  }

  /// The scope field's value for a document: the customer's, or the contract's (a debit note's contract is that of
  /// the invoice whose fee it bills; none when that invoice has no contract).
  static func entityValue(_ field: (record: RecordKind, slot: Int, name: String), _ doc: PlannedInvoice, _ data: Dataset) -> String? {
    entityValue(field, customer: data.customerIndex[doc.customerID], contract: data.contractIndex[doc.contractID], data)
  }

  /// The scope field's value in the record of a customer or a contract (their rows in `data`; nil when the document
  /// has none, or the row is not there): nil when the record has no text in that slot.
  public static func entityValue(
    _ field: (record: RecordKind, slot: Int, name: String), customer: Int?, contract: Int?, _ data: Dataset
  ) -> String? {
    let record: [RValue]?
    switch field.record {
    case .customer: record = customer.flatMap { data.customers.indices.contains($0) ? data.customers[$0].record : nil }
    case .contract: record = contract.flatMap { data.contracts.indices.contains($0) ? data.contracts[$0].record : nil }
    default: record = nil
    }
    guard let record, record.indices.contains(field.slot), case .text(let t) = record[field.slot] else { return nil }
    return t
  }
}

/// A numbering format with the year, month and entity of one sequence written once (`NumberingRule.format` of the
/// pieces before the sequence and of those after it): its documents' numbers differ only in the sequence's digits.
/// Formatting each number whole walked the pieces and copied their strings, ~1,000 instructions a document, serially
/// (`NumberTemplateTests`: against `NumberingRule.format`).
struct NumberTemplate {
  /// The bytes before the sequence, the sequence's width (`{seq:N}`), the bytes after it.
  let head: [UInt8]
  let width: Int
  let tail: [UInt8]

  /// Nil unless the format has exactly one sequence (a checked rule always has).
  init?(_ r: NumberingRule, year: Int, month: Int, entity: String) {
    let at = r.pieces.indices.filter { if case .sequence = r.pieces[$0] { true } else { false } }
    guard at.count == 1, case .sequence(let width) = r.pieces[at[0]] else { return nil }
    func text(_ pieces: ArraySlice<NumberingRule.Piece>) -> [UInt8] {
      let part = NumberingRule(pieces: Array(pieces), perYear: r.perYear, perMonth: r.perMonth, entity: r.entity, rule: r.rule)
      return Array(part.format(year: year, month: month, entity: entity, sequence: 0).utf8)
    }
    head = text(r.pieces[..<at[0]])
    self.width = width
    tail = text(r.pieces[(at[0] + 1)...])
  }

  /// The number of place `n` in the sequence: as `NumberingRule.format` writes it (`n` zero padded to the width, a
  /// minus sign before the zeros).
  func number(_ n: Int) -> String {
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: head.count + Swift.max(width, 20) + 1 + tail.count) { out in
      var at = 0
      for b in head {
        out[at] = b
        at += 1
      }
      NumberingRule.writePadded(n, width, into: out, at: &at)
      for b in tail {
        out[at] = b
        at += 1
      }
      return String(decoding: UnsafeBufferPointer(rebasing: out[..<at]), as: UTF8.self)
    }
  }
}
