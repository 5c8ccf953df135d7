import AccrueChecker
import AccrueCore
import AccrueDiagnostics
import AccrueModel

// The receivables ledger's statements as the plan carries them (grammar.md §9). The engine reads them at `apply`:
// numbers are assigned there, fees billed and account credit used as stated.

/// How a kind of document is numbered (`number invoices "..." per ...`).
public struct NumberingRule: Sendable, Equatable {
  public enum Piece: Sendable, Equatable { case text(String), year, month, entity, sequence(width: Int) }
  /// The format's pieces in order (`"NW-{year}-{seq:5}"`: text "NW-", year, text "-", sequence of width 5);
  /// `{seq}` is `.sequence(width: 1)`. A checked rule has exactly one `.sequence`.
  public var pieces: [Piece]
  /// `per year`: a sequence per issue year (the format then shows `{year}`).
  public var perYear: Bool
  /// `per month`: a sequence per issue year and month (the format shows `{year}` and `{month}`).
  public var perMonth: Bool
  /// The field whose value separates sequences (`per customer.entity`): its record and slot in that record.
  ///
  /// The slot is the field's index in `program.fields(of: record)`: the record's core fields first (`Schema.core`),
  /// then its custom fields in declaration order. The data loader builds `CustomerData.record` and
  /// `ContractData.record` in that order (`RecordBuilder`), so the value for an invoice is
  /// `dataset.customers[c].record[slot]` (`.customer`; for a contract's invoice, `c = contract.customer`) or
  /// `dataset.contracts[k].record[slot]` (`.contract`). It is a text field: `RValue.text(value)`, with the field's
  /// declared default (else "") where the data leaves it empty. `name` is the field as written: `customer.entity`.
  public var entity: (record: RecordKind, slot: Int, name: String)?
  /// Where the statement is.
  public var rule: RuleRef

  public init(pieces: [Piece], perYear: Bool, perMonth: Bool, entity: (record: RecordKind, slot: Int, name: String)?, rule: RuleRef) {
    self.pieces = pieces
    self.perYear = perYear
    self.perMonth = perMonth
    self.entity = entity
    self.rule = rule
  }

  public static func == (a: NumberingRule, b: NumberingRule) -> Bool {
    a.pieces == b.pieces && a.perYear == b.perYear && a.perMonth == b.perMonth && a.rule == b.rule
      && a.entity?.record == b.entity?.record && a.entity?.slot == b.entity?.slot && a.entity?.name == b.entity?.name
  }

  /// The number written with this format: `year` as 4 digits and `month` as 2 (zero padded; from the issue date),
  /// `entity` as it is (the scope field's value), `sequence` zero padded to the width of `{seq:N}` (a longer number
  /// is written in full; `{seq}` writes it as it is). Pure: the same arguments always give the same text.
  public static func format(_ r: NumberingRule, year: Int, month: Int, entity: String, sequence: Int) -> String {
    // Written as bytes into a buffer on the stack, then made a string once (a number per invoice: appending strings
    // piece by piece, or bytes to an array, cost more than the rest of numbering); a number of up to 15 bytes is a
    // small string, with no storage of its own.
    var capacity = 0
    for p in r.pieces {
      switch p {
      case .text(let t): capacity += t.utf8.count
      case .entity: capacity += entity.utf8.count
      case .year, .month: capacity += 21  // a sign and up to 20 digits
      case .sequence(let width): capacity += Swift.max(width, 20) + 1
      }
    }
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { out in
      var at = 0
      func put(_ s: String) {
        s.withBytes { b in
          for x in b {
            out[at] = x
            at += 1
          }
        }
      }
      for p in r.pieces {
        switch p {
        case .text(let t): put(t)
        case .year: writePadded(year, 4, into: out, at: &at)
        case .month: writePadded(month, 2, into: out, at: &at)
        case .entity: put(entity)
        case .sequence(let width): writePadded(sequence, width, into: out, at: &at)
        }
      }
      return String(decoding: UnsafeBufferPointer(rebasing: out[..<at]), as: UTF8.self)
    }
  }

  /// The number written with this format (see the static `format`).
  public func format(year: Int, month: Int, entity: String, sequence: Int) -> String {
    Self.format(self, year: year, month: month, entity: entity, sequence: sequence)
  }

  /// Writes `n` with at least `width` digits (zeros in front; a minus sign before them) at `at`, as
  /// `String(n.magnitude)` padded with zeros writes them (at most `max(width, 20) + 1` bytes).
  package static func writePadded(_ n: Int, _ width: Int, into out: UnsafeMutableBufferPointer<UInt8>, at: inout Int) {
    if n < 0 {
      out[at] = 0x2D
      at += 1
    }
    var m = n.magnitude
    var count = 1
    while m >= 10 {
      count += 1
      m /= 10
    }
    for _ in count..<Swift.max(count, width) {
      out[at] = 0x30
      at += 1
    }
    m = n.magnitude
    for i in stride(from: at + count - 1, through: at, by: -1) {
      out[i] = 0x30 &+ UInt8(truncatingIfNeeded: m % 10)
      m /= 10
    }
    at += count
  }
}

/// How fees (late fees and interest that dunning steps charge) are billed: `fees billed as debit notes` (the
/// default) or `fees billed on next invoice`.
public enum FeeBilling: String, Sendable { case debitNotes = "debit notes", nextInvoice = "next invoice" }

/// What happens to credit on a customer's account: `account credit held` (the default) or `account credit applied
/// oldest first`.
public enum CreditUse: String, Sendable { case held, oldestFirst = "oldest first" }

extension PlanCompiler {
  /// The ledger's statements of a checked program, with the defaults where it states none.
  static func compileLedger(_ ledger: LedgerStatements, into plan: inout ExecutablePlan, _ ref: (Span) -> RuleRef) {
    func rule(_ n: CheckedNumbering) -> NumberingRule {
      NumberingRule(
        pieces: n.pieces.map {
          switch $0 {
          case .text(let t): .text(t)
          case .year: .year
          case .month: .month
          case .entity: .entity
          case .sequence(let w): .sequence(width: w)
          }
        }, perYear: n.perYear, perMonth: n.perMonth, entity: n.entity, rule: ref(n.span))
    }
    plan.invoiceNumbering = ledger.invoiceNumbering.map(rule)
    plan.debitNoteNumbering = ledger.debitNoteNumbering.map(rule)
    plan.creditNoteNumbering = ledger.creditNoteNumbering.map(rule)
    if let f = ledger.feeBilling {
      plan.feeBilling = f.onNextInvoice ? .nextInvoice : .debitNotes
      plan.feeBillingRule = ref(f.span)
    }
    if let c = ledger.creditUse {
      plan.creditUse = c.oldestFirst ? .oldestFirst : .held
      plan.creditUseRule = ref(c.span)
    }
  }
}
