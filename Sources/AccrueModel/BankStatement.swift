import AccrueCore

/// A balance a statement reports, signed (credit positive), on a date.
public struct StatementBalance: Sendable, Hashable {
  public var amount: Fixed
  public var currency: Currency
  public var date: CivilDate?
  /// Where it is written: `file:line` and the tag or element.
  public var source: String

  public init(amount: Fixed, currency: Currency, date: CivilDate?, source: String) {
    self.amount = amount
    self.currency = currency
    self.date = date
    self.source = source
  }
}

/// A control total a file states for what it holds (BAI2 account, group and file trailers): checked like a
/// balance, reported when it does not agree.
public struct ControlTotal: Sendable, Hashable {
  /// What it totals ("account 0975312468", "group 2", "file").
  public var scope: String
  public var stated: Fixed
  public var computed: Fixed
  public var currency: Currency?
  public var source: String

  public init(scope: String, stated: Fixed, computed: Fixed, currency: Currency?, source: String) {
    self.scope = scope
    self.stated = stated
    self.computed = computed
    self.currency = currency
    self.source = source
  }
}

/// One account's statement as the bank sent it: the account, the statement's id and sequence, its balances and
/// its entries. A file holds one or more (MT940 `:20:`…`-`, camt `Stmt`/`Ntfctn`, BAI2 `03` account, OFX
/// `STMTRS`).
public struct BankStatement: Sendable {
  /// The format's name (camt.053, MT940, BAI2, OFX...).
  public var format: String
  /// The account it is for: the IBAN, or the account number as the bank writes it.
  public var account: String
  /// The account's currency, when the statement states one.
  public var currency: Currency?
  /// The bank's id for the statement (MT940 `:20:`/`:28C:`, camt `Stmt/Id`, BAI2 group, OFX none).
  public var statementID: String
  /// The statement's sequence number (MT940 `:28C:`, camt `ElctrncSeqNb`/`LglSeqNb`), when given.
  public var sequence: String
  public var opening: StatementBalance?
  public var closing: StatementBalance?
  public var available: StatementBalance?
  /// The file marks it as a copy or duplicate of one sent before (camt `CpyDplctInd`).
  public var copy: String
  public var transactions: [BankTransaction]
  public var controlTotals: [ControlTotal]
  /// What reading it assumed or left out, located (an encoding assumed, a BAI2 record not read): warnings
  /// reported with the statement checks (D0322, D0323).
  public var warnings: [DataIssue] = []
  /// Where it starts: `file:line`.
  public var source: String

  public init(
    format: String, account: String = "", currency: Currency? = nil, statementID: String = "", sequence: String = "",
    opening: StatementBalance? = nil, closing: StatementBalance? = nil, available: StatementBalance? = nil, copy: String = "",
    transactions: [BankTransaction] = [], controlTotals: [ControlTotal] = [], source: String
  ) {
    self.format = format
    self.account = account
    self.currency = currency
    self.statementID = statementID
    self.sequence = sequence
    self.opening = opening
    self.closing = closing
    self.available = available
    self.copy = copy
    self.transactions = transactions
    self.controlTotals = controlTotals
    self.source = source
  }

  /// How opening + entries compares with closing, in the balances' currency; nil when the statement lacks one of
  /// the two balances, or they are in different currencies.
  public var reconciliation: Reconciliation? {
    guard let o = opening, let c = closing, o.currency == c.currency else { return nil }
    var sum = Fixed.zero
    var others = 0
    for t in transactions {
      guard t.currency == o.currency else {
        others += 1
        continue
      }
      guard let s = sum.adding(t.amount) else { return nil }
      sum = s
    }
    guard let expected = o.amount.adding(sum), let difference = c.amount.subtracting(expected) else { return nil }
    return Reconciliation(opening: o, entries: sum, closing: c, expected: expected, difference: difference, otherCurrencyEntries: others)
  }

  /// Opening + entries against closing.
  public struct Reconciliation: Sendable, Hashable {
    public var opening: StatementBalance
    public var entries: Fixed
    public var closing: StatementBalance
    /// Opening + entries.
    public var expected: Fixed
    /// Closing − (opening + entries): zero when the statement reconciles.
    public var difference: Fixed
    /// Entries in another currency than the balances (not counted).
    public var otherCurrencyEntries: Int
    public var reconciles: Bool { difference.isZero }
  }
}
