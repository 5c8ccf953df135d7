import AccrueCore

/// An account of the chart of accounts (the data folder's `chart_of_accounts.csv`, docs/data.md).
public struct GLAccount: Sendable, Hashable {
  /// What kind of account it is: where it goes in a trial balance and on which side it is normally.
  public enum Kind: String, Sendable, CaseIterable, Hashable {
    case asset, liability, equity, revenue, expense
  }

  /// The account number as the chart writes it ("1200", "4000-10").
  public var number: String
  public var name: String
  public var kind: Kind
  /// The dimensions every line on this account must carry (declared ones, or `entity`).
  public var requiredDimensions: [String]
  public var active: Bool
  /// Where it is written (file:line).
  public var source: SourceRef

  public init(number: String, name: String, kind: Kind, requiredDimensions: [String], active: Bool, source: SourceRef) {
    self.number = number
    self.name = name
    self.kind = kind
    self.requiredDimensions = requiredDimensions
    self.active = active
    self.source = source
  }
}

/// One line of a journal entry: an account debited or credited, with its dimensions.
public struct GLLine: Sendable, Hashable {
  public var account: String
  /// The amount on its side (positive, exact, in the currency's minor units).
  public var amount: Fixed
  public var isDebit: Bool
  /// Dimension values by name, in the rules' order of dimensions (`entity` first).
  public var dimensions: [GLDimension]
  public var memo: String
  /// The posting rule that named the account (file:line).
  public var rule: RuleRef
  /// For revenue (deferred, recognized, reversed): the performance obligation it belongs to, the invoice line
  /// `DOCUMENT#LINE` (grammar.md §13); nil otherwise.
  public var obligation: String?

  /// A line of `account` (its amount and side are set when posted: `JournalEntry.post`).
  public init(account: String, dimensions: [GLDimension], memo: String, rule: RuleRef, obligation: String? = nil) {
    self.account = account
    self.amount = .zero
    self.isDebit = true
    self.dimensions = dimensions
    self.memo = memo
    self.rule = rule
    self.obligation = obligation
  }

  /// A line as the ledger recorded it (amount and side given).
  public init(recorded account: String, amount: Fixed, isDebit: Bool, dimensions: [GLDimension], memo: String, rule: RuleRef, obligation: String?) {
    self.init(account: account, dimensions: dimensions, memo: memo, rule: rule, obligation: obligation)
    self.amount = amount
    self.isDebit = isDebit
  }

  public var debit: Fixed { isDebit ? amount : .zero }
  public var credit: Fixed { isDebit ? .zero : amount }
}

/// A dimension's value on a line.
public struct GLDimension: Sendable, Hashable {
  public var name: String
  public var value: String

  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}

/// One journal entry: every line of one event (an invoice, a payment's application), in one currency. Lines are
/// only ever added in pairs of a debit and a credit of the same amount (`post`), so an entry balances by
/// construction: there is no way to add one side alone.
public struct JournalEntry: Sendable {
  /// Stable id: `JE-` and the event's key (`JE-invoice:ctr-001/2026-11-01`).
  public var id: String { "JE-" + event }
  /// The event posted: `invoice:KEY`, `debit-note:KEY`, `payment:ID`, `credit:CUSTOMER/CURRENCY/DATE`.
  public let event: String
  /// The document's number when it has one (provisional in a dry run), for the memo.
  public let document: String?
  public let date: CivilDate
  public let entity: String
  public let currency: Currency
  public let customer: String?
  public private(set) var lines: [GLLine] = []

  public init(event: String, document: String?, date: CivilDate, entity: String, currency: Currency, customer: String?) {
    self.event = event
    self.document = document
    self.date = date
    self.entity = entity
    self.currency = currency
    self.customer = customer
  }

  /// An entry as the ledger recorded it (`journal_entries`, `journal_lines`): its lines as they were posted.
  /// `ledger verify` checks that every recorded entry balances.
  public init(recorded event: String, document: String?, date: CivilDate, entity: String, currency: Currency, customer: String?, lines: [GLLine]) {
    self.init(event: event, document: document, date: date, entity: entity, currency: currency, customer: customer)
    self.lines = lines
  }

  /// A debit of `amount` on one side and a credit of the same amount on the other. A negative amount posts the
  /// other way round (a credit line of an invoice reduces revenue); zero posts nothing. Lines with the same
  /// side, account and dimensions are added up into one.
  public mutating func post(_ amount: Fixed, debit: GLLine, credit: GLLine) {
    guard !amount.isZero else { return }
    var d = debit
    var c = credit
    if amount.isNegative {
      (d, c) = (credit, debit)
    }
    let a = amount.isNegative ? (amount.negated ?? amount) : amount
    d.isDebit = true
    c.isDebit = false
    d.amount = a
    c.amount = a
    add(d)
    add(c)
  }

  private mutating func add(_ l: GLLine) {
    if let i = lines.firstIndex(where: { $0.isDebit == l.isDebit && $0.account == l.account && $0.dimensions == l.dimensions && $0.obligation == l.obligation }),
      let sum = lines[i].amount.adding(l.amount)
    {
      lines[i].amount = sum
      if lines[i].memo != l.memo { lines[i].memo = "" }  // several lines added up: the entry's document says what
      return
    }
    lines.append(l)
  }

  /// The entry with `other`'s lines on the other side (a reversal of what `other` posted), each line's memo saying so.
  public mutating func reverse(_ other: JournalEntry) {
    for var l in other.lines {
      l.isDebit.toggle()
      l.memo = "Reversal of \(other.id)" + (l.memo.isEmpty ? "" : ": " + l.memo)
      add(l)
    }
  }

  /// Debits and credits of the same account, dimensions and obligation offset: the smaller side goes, the larger
  /// keeps the difference (both sides lose the same amount: the entry still balances).
  public mutating func net() {
    var out: [GLLine] = []
    for l in lines {
      if let i = out.firstIndex(where: { $0.isDebit != l.isDebit && $0.account == l.account && $0.dimensions == l.dimensions && $0.obligation == l.obligation }) {
        let diff = out[i].amount.subtracting(l.amount) ?? .zero
        if diff.isZero { out.remove(at: i) } else if diff.isNegative { out[i] = l; out[i].amount = diff.negated ?? l.amount } else { out[i].amount = diff }
        continue
      }
      out.append(l)
    }
    lines = out
  }

  /// The entry's debits and credits (always equal: see `post`).
  public var totals: (debit: Fixed, credit: Fixed) {
    var d = Fixed.zero
    var c = Fixed.zero
    for l in lines {
      if l.isDebit { d = d.adding(l.amount) ?? d } else { c = c.adding(l.amount) ?? c }
    }
    return (d, c)
  }
}

/// One row of a trial balance: an account's debits and credits over the entries of one entity, period and
/// currency.
public struct TrialBalanceRow: Sendable, Hashable {
  public var entity: String
  /// `YYYY-MM`.
  public var period: String
  public var currency: Currency
  public var account: String
  public var name: String
  public var kind: GLAccount.Kind?
  public var debit: Fixed
  public var credit: Fixed
  /// Debit minus credit.
  public var balance: Fixed { debit.subtracting(credit) ?? .zero }

  public init(entity: String, period: String, currency: Currency, account: String, name: String, kind: GLAccount.Kind?, debit: Fixed, credit: Fixed) {
    self.entity = entity
    self.period = period
    self.currency = currency
    self.account = account
    self.name = name
    self.kind = kind
    self.debit = debit
    self.credit = credit
  }
}
