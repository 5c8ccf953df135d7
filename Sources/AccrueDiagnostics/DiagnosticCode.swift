/// A stable diagnostic identity: the `id` never changes meaning, the wording may.
public struct DiagnosticCode: Sendable, Hashable, Comparable, CustomStringConvertible {
  /// Stable id, e.g. "E0402". E = error by default, W = warning by default.
  public let id: String
  /// Stable kebab-case name, e.g. "currency-mismatch" (used as SARIF rule name).
  public let name: String
  /// Default severity.
  public let severity: Severity
  /// One-line summary.
  public let title: String
  /// Long explanation with an example, printed by `accrue explain`.
  public let explanation: String

  init(_ id: String, _ name: String, _ severity: Severity, _ title: String, _ explanation: String) {
    self.id = id
    self.name = name
    self.severity = severity
    self.title = title
    self.explanation = explanation
  }

  public static func == (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.id == b.id }
  public func hash(into h: inout Hasher) { h.combine(id) }
  public static func < (a: DiagnosticCode, b: DiagnosticCode) -> Bool { a.id < b.id }
  public var description: String { id }

  /// Finds a code by id ("E0402", "D0320", case-insensitive) or by name ("currency-mismatch"): a rules' code or a
  /// data code.
  public static func lookup(_ key: String) -> DiagnosticCode? {
    let k = key.uppercased()
    return all.first { $0.id == k || $0.name == key.lowercased() } ?? data.first { $0.id == k || $0.name == key.lowercased() }
  }
}
