import AccrueCore

/// The state of an earlier invoice.
public enum InvoiceStatus: String, Sendable, CaseIterable {
  case open, paid, void
  case writtenOff = "written_off"
}

/// An invoice issued earlier (invoices.csv), kept compact: a million of them must fit easily.
public struct OpenInvoice: Sendable {
  public var id: String { didSet { keepShortID() } }
  public var number: String { didSet { keepShortID() } }
  /// The id held inline when short and ASCII (`ShortText.none` otherwise), and whether the number is the id:
  /// loops over invoices in customer order copy and write ids without reading their strings' storage.
  public private(set) var idText = ShortText.none
  public private(set) var numberIsID = false
  public var isCreditNote: Bool
  /// A debit note billing fees (from the ledger): dunned like an invoice, but fees bear no late fee or interest.
  public var isDebitNote = false
  /// An invoice or debit note of the ledger (Accrue issued it), not a row of the invoices file.
  public var inLedger = false
  public var customer: Int32
  /// Index into `Dataset.contracts`, or -1.
  public var contract: Int32
  public var issueDate: CivilDate
  public var dueDate: CivilDate
  public var currency: Currency
  public var amount: Fixed
  public var paid: Fixed
  public var disputed: Fixed
  public var status: InvoiceStatus
  public var reference: String
  /// Its line in the invoices file.
  public var line: Int32
  /// When it was paid in full (for the aging report's collection effectiveness), when known.
  public var paidDate: CivilDate? = nil
  /// Values of the rules' custom invoice fields, in slot order after the built-in ones (empty when none).
  public var custom: [RValue]

  public init(
    id: String, number: String, isCreditNote: Bool, customer: Int32, contract: Int32, issueDate: CivilDate, dueDate: CivilDate,
    currency: Currency, amount: Fixed, paid: Fixed, disputed: Fixed, status: InvoiceStatus, reference: String, line: Int32,
    paidDate: CivilDate? = nil, custom: [RValue]
  ) {
    self.init(
      id: id, number: number, isCreditNote: isCreditNote, customer: customer, contract: contract, issueDate: issueDate,
      dueDate: dueDate, currency: currency, amount: amount, paid: paid, disputed: disputed, status: status, reference: reference,
      line: line, paidDate: paidDate, custom: custom, idText: nil, numberIsID: nil)
  }

  /// With the inline id and whether the number is the id given (by a reader that worked them out from the
  /// file's bytes), or worked out here (nil).
  package init(
    id: String, number: String, isCreditNote: Bool, customer: Int32, contract: Int32, issueDate: CivilDate, dueDate: CivilDate,
    currency: Currency, amount: Fixed, paid: Fixed, disputed: Fixed, status: InvoiceStatus, reference: String, line: Int32,
    paidDate: CivilDate? = nil, custom: [RValue], idText: ShortText?, numberIsID: Bool?
  ) {
    self.id = id
    self.number = number
    self.isCreditNote = isCreditNote
    self.customer = customer
    self.contract = contract
    self.issueDate = issueDate
    self.dueDate = dueDate
    self.currency = currency
    self.amount = amount
    self.paid = paid
    self.disputed = disputed
    self.status = status
    self.reference = reference
    self.line = line
    self.paidDate = paidDate
    self.custom = custom
    if let idText, let numberIsID {
      self.idText = idText
      self.numberIsID = numberIsID
    } else {
      keepShortID()
    }
  }

  private mutating func keepShortID() {
    idText = ShortText(id)
    numberIsID = InvoiceRef.sameBytes(number, id)
  }

  /// Amount still open, disputed amounts excluded (never below zero).
  public var balance: Fixed { OpenInvoice.open(amount, paid: paid, disputed: disputed) }

  /// Amount still open, disputed amounts included.
  public var unpaid: Fixed { OpenInvoice.open(amount, paid: paid) }

  /// What is still open of `amount` after `paid` and `disputed`, never below zero. Loops over many invoices
  /// call this with fields read in place: `invoices[i].balance` copies the whole invoice first (retaining its
  /// strings, each a cache miss of its own).
  @inline(__always) public static func open(_ amount: Fixed, paid: Fixed, disputed: Fixed = .zero) -> Fixed {
    let b = amount.subtracting(paid)?.subtracting(disputed) ?? .zero
    return b > .zero ? b : .zero
  }
}

/// An invoice's id and number as outputs keep them: the id inline when short and ASCII (`ShortText`), and
/// whether the number is the id. Copied from an open invoice without reading its strings' storage (a cache
/// miss each, for invoices read in customer order); written the same way.
public struct InvoiceRef: Sendable, Hashable {
  /// The id when short and ASCII, else `ShortText.none` (the id is then in `longID`).
  public private(set) var idText: ShortText
  private var longID: String
  /// Whether the number is the id (else it is in `longNumber`).
  public private(set) var numberIsID: Bool
  private var longNumber: String

  public init(id: String, number: String) {
    idText = ShortText(id)
    longID = idText.isNone ? id : ""
    numberIsID = InvoiceRef.sameBytes(number, id)
    longNumber = numberIsID ? "" : number
  }

  /// Whether two texts are the same bytes (Swift's `==` also equates different forms of one accented letter;
  /// a number kept as the id must keep its own bytes and reference keys).
  package static func sameBytes(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

  /// Invoice `k`'s, its strings read only when not held inline.
  package init(_ invoices: [OpenInvoice], _ k: Int) {
    idText = invoices[k].idText
    longID = idText.isNone ? invoices[k].id : ""
    numberIsID = invoices[k].numberIsID
    longNumber = numberIsID ? "" : invoices[k].number
  }

  public var id: String {
    get { idText.isNone ? longID : idText.string }
    set { self = InvoiceRef(id: newValue, number: number) }
  }

  public var number: String {
    get { numberIsID ? id : longNumber }
    set { self = InvoiceRef(id: id, number: newValue) }
  }

  public static func == (a: InvoiceRef, b: InvoiceRef) -> Bool { a.id == b.id && a.number == b.number }

  public func hash(into h: inout Hasher) {
    h.combine(id)
    h.combine(number)
  }
}

/// An output that names an invoice by an `InvoiceRef`.
public protocol InvoiceReferring {
  var ref: InvoiceRef { get set }
}

extension InvoiceReferring {
  /// The invoice's number.
  public var number: String {
    get { ref.number }
    set { ref.number = newValue }
  }
}

extension OpenInvoice {
  /// Whether invoice a's id comes before b's, as strings compare (ids held inline compared there: reading the
  /// strings would be a cache miss each).
  @inline(__always) package static func idPrecedes(_ invoices: [OpenInvoice], _ a: Int, _ b: Int) -> Bool {
    let (x, y) = (invoices[a].idText, invoices[b].idText)
    if !x.isNone && !y.isNone { return ShortText.precedes(x, y) }
    return invoices[a].id < invoices[b].id
  }

  /// Holds no strings or arrays of its own: stands in for an invoice moved elsewhere.
  public static let placeholder = OpenInvoice(
    id: "", number: "", isCreditNote: false, customer: -1, contract: -1, issueDate: CivilDate(dayNumber: 0),
    dueDate: CivilDate(dayNumber: 0), currency: .USD, amount: .zero, paid: .zero, disputed: .zero, status: .void, reference: "",
    line: 0, custom: [])
}
