/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, CaseIterable {
  case error
  case warning
  case note

  private var rank: Int {
    switch self {
    case .error: 0
    case .warning: 1
    case .note: 2
    }
  }
  /// Errors sort before warnings before notes.
  public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// A secondary message attached to a diagnostic, optionally pointing at another place.
public struct Note: Sendable, Hashable {
  /// The note's text.
  public var message: String
  /// Where it points, if anywhere.
  public var span: Span?
  /// Creates a note.
  public init(_ message: String, at span: Span? = nil) {
    self.message = message
    self.span = span
  }
}

/// One text replacement.
public struct Edit: Sendable, Hashable {
  /// The bytes replaced.
  public var span: Span
  /// The text put in their place.
  public var replacement: String
  /// Creates an edit.
  public init(_ span: Span, _ replacement: String) {
    self.span = span
    self.replacement = replacement
  }
}

/// A suggested fix: a description and the edits that apply it.
public struct FixIt: Sendable, Hashable {
  /// What the fix does, e.g. "replace 'dayz' with 'days'".
  public var message: String
  /// The edits, non-overlapping.
  public var edits: [Edit]
  /// Creates a fix.
  public init(_ message: String, edits: [Edit]) {
    self.message = message
    self.edits = edits
  }
}

/// A problem found in rules or data: a value, never printed by the library itself.
public struct Diagnostic: Sendable, Hashable {
  /// Stable code (never reused for another meaning).
  public var code: DiagnosticCode
  /// Severity (a code's default, raised by `--strict`).
  public var severity: Severity
  /// One-line message: lower case, no final period, code quoted with '…'.
  public var message: String
  /// The primary location.
  public var span: Span
  /// A short label drawn under the caret, if any.
  public var label: String?
  /// Further context.
  public var notes: [Note]
  /// A suggestion of what to write instead, when one is clear.
  public var help: String?
  /// A machine-applicable fix, when one is clear.
  public var fix: FixIt?

  /// Creates a diagnostic with the code's default severity.
  public init(
    _ code: DiagnosticCode, _ message: String, at span: Span, label: String? = nil,
    notes: [Note] = [], help: String? = nil, fix: FixIt? = nil
  ) {
    self.code = code
    self.severity = code.severity
    self.message = message
    self.span = span
    self.label = label
    self.notes = notes
    self.help = help
    self.fix = fix
  }
}

/// Collects diagnostics during one stage; never throws, never prints.
public struct DiagnosticBag: Sendable {
  /// Everything reported so far, in report order.
  public private(set) var items: [Diagnostic] = []
  /// Creates an empty bag.
  public init() {}
  /// Whether any error was reported.
  public var hasErrors: Bool { items.contains { $0.severity == .error } }
  /// Number of errors.
  public var errorCount: Int { items.reduce(0) { $0 + ($1.severity == .error ? 1 : 0) } }
  /// Adds one diagnostic.
  public mutating func add(_ d: Diagnostic) { items.append(d) }
  /// Adds several.
  public mutating func add(contentsOf ds: [Diagnostic]) { items.append(contentsOf: ds) }
  /// Reports a diagnostic built from its parts.
  public mutating func report(
    _ code: DiagnosticCode, _ message: String, at span: Span, label: String? = nil,
    notes: [Note] = [], help: String? = nil, fix: FixIt? = nil
  ) {
    items.append(Diagnostic(code, message, at: span, label: label, notes: notes, help: help, fix: fix))
  }
}

extension Array where Element == Diagnostic {
  /// Sorted by file, position, then code; exact duplicates removed. Deterministic.
  public func sortedForOutput() -> [Diagnostic] {
    var seen = Set<Diagnostic>()
    var out: [Diagnostic] = []
    for d in self where seen.insert(d).inserted { out.append(d) }
    return out.enumerated().sorted { a, b in
      let x = a.element
      let y = b.element
      if x.span.file != y.span.file { return x.span.file < y.span.file }
      if x.span.start != y.span.start { return x.span.start < y.span.start }
      if x.code.id != y.code.id { return x.code.id < y.code.id }
      return a.offset < b.offset
    }.map(\.element)
  }
}
