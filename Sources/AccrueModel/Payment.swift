import AccrueCore

/// One payment (or debit) from a bank statement, normalized across formats.
public struct BankTransaction: Sendable, Hashable {
  /// The ledger date.
  public var bookingDate: CivilDate
  /// When the money is available (interest date), if the statement gives it.
  public var valueDate: CivilDate?
  /// Signed: credits (money in) positive, debits negative.
  public var amount: Fixed
  public var currency: Currency
  /// Structured creditor reference (ISO 11649 RF..., camt `Strd/CdtrRefInf/Ref`), when given.
  public var reference: String
  /// The payer's end-to-end id (camt `EndToEndId`, MT940 `EREF`), when given.
  public var endToEndID: String
  /// The bank's own reference for the entry (camt `AcctSvcrRef`/`NtryRef`, MT940 `//` reference).
  public var bankReference: String
  /// Unstructured remittance text, wrapped lines joined.
  public var remittance: String
  /// The other party: the payer of a credit, the payee of a debit.
  public var counterpartyName: String
  public var counterpartyAccount: String
  /// The entry reverses an earlier one (camt `RvslInd`, MT940 `RC`/`RD`).
  public var reversal: Bool
  /// The entry returns an earlier payment (a SEPA return or reject: camt `RtrInf`, MT940 GVC 159 or `RETOURE`,
  /// `/RTRN/`, BAI2 return type codes).
  public var isReturn = false
  /// Why it was returned: the ISO 20022 reason code (AC04, MD06, ...) or the bank's text, when given.
  public var returnReason = ""
  /// The direct-debit mandate (camt `MndtId`, MT940 `MREF+`), when given.
  public var mandateID = ""
  /// The account the statement is for (IBAN or number): the entry was booked there.
  public var account = ""
  /// Where it came from: `file:line` and, for XML, the element path.
  public var source: String
  /// What the importer had to interpret (a date that does not exist, amounts that do not add up...).
  public var notes: [String]

  public init(
    bookingDate: CivilDate, valueDate: CivilDate?, amount: Fixed, currency: Currency, reference: String = "", endToEndID: String = "",
    bankReference: String = "", remittance: String = "", counterpartyName: String = "", counterpartyAccount: String = "",
    reversal: Bool = false, source: String, notes: [String] = []
  ) {
    self.bookingDate = bookingDate
    self.valueDate = valueDate
    self.amount = amount
    self.currency = currency
    self.reference = reference
    self.endToEndID = endToEndID
    self.bankReference = bankReference
    self.remittance = remittance
    self.counterpartyName = counterpartyName
    self.counterpartyAccount = counterpartyAccount
    self.reversal = reversal
    self.source = source
    self.notes = notes
  }
}

/// An incoming payment to apply: from payments.csv or a bank statement in the data folder's `statements/`.
public struct Payment: Sendable {
  public var id: String
  public var transaction: BankTransaction
  /// The values of the rules' custom payment fields (`field payment.channel: text`) read from payments.csv, in
  /// their declaration order (missing: the field's default); empty for a statement's payments.
  public var custom: [RValue] = []

  public init(id: String, transaction: BankTransaction, custom: [RValue] = []) {
    self.id = id
    self.transaction = transaction
    self.custom = custom
  }

  /// Holds nothing on the heap (see `Array.reorder`).
  public static let placeholder = Payment(
    id: "", transaction: BankTransaction(bookingDate: CivilDate(dayNumber: 0), valueDate: nil, amount: .zero, currency: .USD, source: ""))
}
