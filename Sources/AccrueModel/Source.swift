import AccrueCore

/// Where something came from: a rule's place in its file (line and column from 1), or a row of a data file
/// (line from 1, column 0). One type for both, so that an output, an explanation step or a run failure points at
/// rules and rows alike. Printed `file:line`.
///
/// Line and column are kept in 32 bits each (a reference is 24 bytes: every invoice line, allocation and
/// reminder carries some); a line past 4,294,967,295 reads as that.
public struct SourceRef: Sendable, Hashable, CustomStringConvertible {
  public var file: String
  private var storedLine: UInt32
  private var storedColumn: UInt32

  public var line: Int {
    get { Int(storedLine) }
    set { storedLine = UInt32(clamping: newValue) }
  }

  /// The column (from 1) of a rule; 0 for a data row.
  public var column: Int {
    get { Int(storedColumn) }
    set { storedColumn = UInt32(clamping: newValue) }
  }

  public init(file: String, line: Int, column: Int = 0) {
    self.file = file
    storedLine = UInt32(clamping: line)
    storedColumn = UInt32(clamping: column)
  }

  public var description: String { "\(file):\(line)" }

  /// A place as `description` writes it (`file:line`), read back; a text without a line is a file alone.
  public init(parsing text: String) {
    if let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) {
      self.init(file: String(text[..<colon]), line: line)
    } else {
      self.init(file: text, line: 0)
    }
  }
}

/// A rule's place: the source of a charge, a step, a match rule, an expression that failed.
public typealias RuleRef = SourceRef

/// A data row's place: the customer, contract, invoice or usage row an output came from.
public typealias RowRef = SourceRef

/// A rule that could not be evaluated on a record (an amount too large to represent, money of two currencies
/// meeting, a division by zero, a date out of range): the run stops, nothing is produced, and this says where.
public struct RunFailure: Sendable, Hashable, CustomStringConvertible {
  /// What went wrong.
  public var message: String
  /// The expression that failed (file, line, column).
  public var rule: RuleRef
  /// The record it was evaluated on: "invoice ctr-1/2026-11-01", "payment p-17", ...
  public var subject: String

  public init(message: String, rule: RuleRef, subject: String) {
    self.message = message
    self.rule = rule
    self.subject = subject
  }

  /// `rules/plans.accrue:12:7: error: amount too large (invoice ctr-1/2026-11-01)`.
  public var description: String { "\(rule.file):\(rule.line):\(rule.column): error: \(message) (\(subject))" }
}

