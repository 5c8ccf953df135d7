import AccrueCore

/// Something produced earlier: an invoice or a reminder, recorded by `accrue apply` (the journal) or, for
/// reminders, sent by another system (reminders.csv).
public struct ProducedItem: Sendable, Hashable {
  public enum Kind: String, Sendable { case invoice, reminder, match }
  public var kind: Kind
  public var key: String
  public var date: CivilDate
  public var customer: String
  /// For reminders: the cadence, the step and the invoices covered.
  public var cadence: String
  public var step: String
  public var invoices: [String]
  /// For reminders: whether it sent the customer a message (only those count for the minimum gap).
  public var contacted = true

  public init(
    kind: Kind, key: String, date: CivilDate, customer: String, cadence: String = "", step: String = "", invoices: [String] = []
  ) {
    self.kind = kind
    self.key = key
    self.date = date
    self.customer = customer
    self.cadence = cadence
    self.step = step
    self.invoices = invoices
  }
}

/// One item recorded in the journal: an invoice or a reminder produced by `accrue apply`.
public typealias JournalItem = ProducedItem

/// A committed run: its number, as-of date, output folder name and items.
public struct JournalRun: Sendable {
  public var number: Int
  public var asOf: CivilDate
  public var folder: String
  public var items: [JournalItem]

  public init(number: Int, asOf: CivilDate, folder: String, items: [JournalItem]) {
    self.number = number
    self.asOf = asOf
    self.folder = folder
    self.items = items
  }
}

/// The journal of what `accrue apply` produced, in the state folder (`journal.log`).
///
/// Each line is `CRC32 PAYLOAD`, the CRC (8 hex digits) over the payload's bytes. A run appends its item lines
/// and then one commit line naming the run and its item count, in a single write followed by fsync. When
/// read, only runs whose commit line is present, intact and counts exactly the items before it are taken;
/// anything after the last good commit (a torn write from a crash) is ignored, and cut off by the next
/// append. So a run is recorded whole or not at all.
public struct Journal: Sendable {
  public static let fileName = "journal.log"
  public var runs: [JournalRun] = []
  /// Bytes of the file up to the end of the last good commit.
  public var validLength: Int = 0
  /// Bytes after it that were ignored (a run cut short by a crash).
  public var ignoredBytes: Int = 0

  /// An empty journal.
  public init() {}

  /// Every item of every committed run.
  public var items: [JournalItem] { runs.flatMap(\.items) }

  /// Reminders as history for collections.
  public var sentReminders: [ProducedItem] { items.filter { $0.kind == .reminder } }

  /// Keys of invoices produced.
  public var invoiceKeys: Set<String> { Set(items.filter { $0.kind == .invoice }.map(\.key)) }

  /// The 1-based line of the first whole line that does not read (nil: none; an unfinished last line is a run
  /// cut short by a crash, not damage).
  public var damagedLine: Int?
}
