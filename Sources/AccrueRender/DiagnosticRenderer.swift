import Foundation
import AccrueDiagnostics

/// Output formats for diagnostics.
public enum DiagnosticFormat: String, Sendable, CaseIterable {
  case text, json, github, sarif
}

/// Totals for a summary line.
public struct DiagnosticSummary: Sendable {
  public var errors: Int
  public var warnings: Int
  public var files: Int
  public var lines: Int
  public init(errors: Int, warnings: Int, files: Int, lines: Int) {
    self.errors = errors
    self.warnings = warnings
    self.files = files
    self.lines = lines
  }
  /// "2 errors, 1 warning" style text.
  public var text: String {
    func n(_ k: Int, _ w: String) -> String { "\(k) \(w)\(k == 1 ? "" : "s")" }
    if errors == 0 && warnings == 0 { return "no problems" }
    return [errors > 0 ? n(errors, "error") : nil, warnings > 0 ? n(warnings, "warning") : nil].compactMap { $0 }.joined(separator: ", ")
  }
}

/// Renders diagnostics; pure functions from values to text.
public enum DiagnosticRenderer {
  /// The tool's version (SARIF driver, --version).
  public static let toolVersion = "0.1.0"

  /// Renders in the requested format.
  public static func render(
    _ all: [Diagnostic], sources: SourceMap, format: DiagnosticFormat, summary: DiagnosticSummary, color: Bool = false
  ) -> String {
    let (diags, hidden) = limited(all, sources: sources)
    switch format {
    case .text:
      var out = diags.map { text($0, sources: sources, color: color) }.joined()
      for (path, n) in hidden { out += "\(path): \(n) more diagnostic\(n == 1 ? "" : "s") not shown (fix the ones above first)\n" }
      return out
    case .json: return json(diags, sources: sources, summary: summary, hidden: hidden).serialized(pretty: true) + "\n"
    case .github:
      var out = diags.map { github($0, sources: sources) }.joined()
      for (path, n) in hidden { out += "::notice file=\(escapeProperty(path))::\(n) more diagnostics not shown\n" }
      return out
    case .sarif: return sarif(diags, sources: sources).serialized(pretty: true) + "\n"
    }
  }

  /// Most diagnostics shown per file: a file of 20,000 mistakes is fixed from its first ones, and its output stays
  /// in proportion (the summary still counts them all).
  public static let maxPerFile = 100

  /// The diagnostics shown (at most `maxPerFile` of each file, in their order) and, per file, how many are not.
  static func limited(_ diags: [Diagnostic], sources: SourceMap) -> (shown: [Diagnostic], hidden: [(String, Int)]) {
    var count: [FileID: Int] = [:]
    var shown: [Diagnostic] = []
    var order: [FileID] = []
    for d in diags {
      let n = count[d.span.file, default: 0]
      if n == 0 { order.append(d.span.file) }
      count[d.span.file] = n + 1
      if n < maxPerFile { shown.append(d) }
    }
    let hidden = order.compactMap { f in count[f]! > maxPerFile ? (sources[f].path, count[f]! - maxPerFile) : nil }
    return (shown, hidden)
  }

  /// At most this many characters of a source line are echoed: a window around the span.
  static let maxExcerpt = 160

  // MARK: - Text

  static func paint(_ s: String, _ code: String, _ on: Bool) -> String { on ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

  /// rustc-style: `path:line:col: error[CODE]: message`, the source line, a caret underline, notes and help.
  public static func text(_ d: Diagnostic, sources: SourceMap, color: Bool = false) -> String {
    let (file, start, end) = sources.resolve(d.span)
    let sev = d.severity.rawValue
    let sevColor = d.severity == .error ? "1;31" : d.severity == .warning ? "1;33" : "1;36"
    var out = paint("\(file.path):\(start.line):\(start.column):", "1", color) + " "
    out += paint("\(sev)[\(d.code.id)]", sevColor, color) + paint(": \(d.message)", "1", color) + "\n"
    if !file.bytes.isEmpty {
      // Tabs as spaces; bidirectional controls as U+FFFD (one character each, so columns hold): echoed as they are,
      // they would reorder the very line that warns about them.
      var lineText = String(
        String.UnicodeScalarView(
          file.lineText(start.line).unicodeScalars.map { u in
            u == "\t" ? " " : (0x202A...0x202E).contains(u.value) || (0x2066...0x2069).contains(u.value) ? "\u{FFFD}" : u
          }))
      let gutter = String(start.line)
      let pad = String(repeating: " ", count: gutter.count)
      var column = start.column
      var width = end.line == start.line ? max(1, end.column - start.column) : max(1, lineText.unicodeScalars.count - start.column + 1)
      // A long line is shown as a window around the span ("..." where it is cut).
      let scalars = Array(lineText.unicodeScalars)
      if scalars.count > maxExcerpt {
        let from = max(0, min(column - 1 - 40, scalars.count - maxExcerpt))
        let to = min(scalars.count, from + maxExcerpt)
        var view = String(String.UnicodeScalarView(scalars[from..<to]))
        column -= from
        if from > 0 {
          view = "..." + view
          column += 3
        }
        if to < scalars.count { view += "..." }
        lineText = view
        width = min(width, max(1, to - from - (column - 1) + (from > 0 ? 3 : 0)))
      }
      out += "\(pad) |\n"
      out += "\(gutter) | \(lineText)\n"
      let underline = String(repeating: " ", count: column - 1) + String(repeating: "^", count: width)
      out += "\(pad) | " + paint(underline + (d.label.map { " " + $0 } ?? ""), sevColor, color) + "\n"
      for n in d.notes { out += "\(pad) = note: \(noteText(n, sources: sources))\n" }
      if let h = d.help { out += "\(pad) = help: \(h)\n" }
    } else {
      for n in d.notes { out += "  = note: \(noteText(n, sources: sources))\n" }
      if let h = d.help { out += "  = help: \(h)\n" }
    }
    return out
  }

  static func noteText(_ n: Note, sources: SourceMap) -> String {
    guard let s = n.span else { return n.message }
    let (f, l, _) = sources.resolve(s)
    return "\(n.message) (\(f.path):\(l.line):\(l.column))"
  }

  // MARK: - JSON

  static func location(_ s: Span, _ sources: SourceMap) -> [(String, JSON)] {
    let (f, a, b) = sources.resolve(s)
    return [
      ("file", .string(f.path)), ("line", .int(a.line)), ("column", .int(a.column)),
      ("end", .object([("line", .int(b.line)), ("column", .int(b.column))])),
    ]
  }

  /// One object per diagnostic plus a summary.
  public static func json(_ diags: [Diagnostic], sources: SourceMap, summary: DiagnosticSummary, hidden: [(String, Int)] = []) -> JSON {
    let items: [JSON] = diags.map { d in
      var fields = location(d.span, sources)
      fields += [
        ("code", .string(d.code.id)), ("name", .string(d.code.name)), ("severity", .string(d.severity.rawValue)),
        ("message", .string(d.message)),
      ]
      if !d.notes.isEmpty {
        fields.append(
          (
            "notes",
            .array(
              d.notes.map { n in
                .object([("message", .string(n.message))] + (n.span.map { location($0, sources) } ?? []))
              })
          ))
      }
      if let h = d.help { fields.append(("help", .string(h))) }
      if let f = d.fix {
        fields.append(
          (
            "fix",
            .object([
              ("message", .string(f.message)),
              ("edits", .array(f.edits.map { .object(location($0.span, sources) + [("replacement", .string($0.replacement))]) })),
            ])
          ))
      }
      return .object(fields)
    }
    return .object([
      ("diagnostics", .array(items)),
      (
        "summary",
        .object([
          ("errors", .int(summary.errors)), ("warnings", .int(summary.warnings)), ("files", .int(summary.files)),
          ("lines", .int(summary.lines)),
          ("not_shown", .object(hidden.map { ($0.0, .int($0.1)) })),
        ])
      ),
    ])
  }

  // MARK: - GitHub

  static func escapeData(_ s: String) -> String {
    s.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
      .replacingOccurrences(of: "\n", with: "%0A")
  }

  static func escapeProperty(_ s: String) -> String {
    escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
  }

  /// A workflow command line: `::error file=F,line=L,col=C,endLine=..,endColumn=..,title=T::message`.
  public static func github(_ d: Diagnostic, sources: SourceMap) -> String {
    let (f, a, b) = sources.resolve(d.span)
    let kind = d.severity == .error ? "error" : d.severity == .warning ? "warning" : "notice"
    var message = d.message
    if let h = d.help { message += "\nhelp: " + h }
    let props = [
      "file=\(escapeProperty(f.path))", "line=\(a.line)", "col=\(a.column)", "endLine=\(b.line)", "endColumn=\(b.column)",
      "title=\(escapeProperty("\(d.code.id) \(d.code.name)"))",
    ]
    return "::\(kind) \(props.joined(separator: ","))::\(escapeData(message))\n"
  }

  // MARK: - SARIF

  static func fingerprint(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
    let hex = String(h, radix: 16)
    return String(repeating: "0", count: 16 - hex.count) + hex
  }

  static func region(_ s: Span, _ sources: SourceMap) -> JSON {
    let (_, a, b) = sources.resolve(s)
    return .object([
      ("startLine", .int(a.line)), ("startColumn", .int(a.column)), ("endLine", .int(b.line)), ("endColumn", .int(b.column)),
    ])
  }

  static func physical(_ s: Span, _ sources: SourceMap) -> JSON {
    .object([
      (
        "physicalLocation",
        .object([("artifactLocation", .object([("uri", .string(sources[s.file].path))])), ("region", region(s, sources))])
      )
    ])
  }

  /// A SARIF 2.1.0 log with every diagnostic code as a rule (stable ids and indexes).
  public static func sarif(_ diags: [Diagnostic], sources: SourceMap) -> JSON {
    let codes = (DiagnosticCode.all + DiagnosticCode.withData).sorted()
    var index: [String: Int] = [:]
    for (i, c) in codes.enumerated() { index[c.id] = i }
    func level(_ s: Severity) -> String { s == .error ? "error" : s == .warning ? "warning" : "note" }
    let rules: [JSON] = codes.map { c in
      .object([
        ("id", .string(c.id)), ("name", .string(c.name)), ("shortDescription", .object([("text", .string(c.title))])),
        ("fullDescription", .object([("text", .string(c.explanation))])),
        ("help", .object([("text", .string(c.explanation))])),
        ("defaultConfiguration", .object([("level", .string(level(c.severity)))])),
      ])
    }
    // A fingerprint per diagnostic: the hash of its code, file, line text, column and message (so two diagnostics
    // on one line differ), then ":N", the how-manieth diagnostic with that hash it is (so the same diagnostic on two
    // identical lines differs too), as GitHub's own fingerprints are made. No line number goes in: a diagnostic keeps
    // its fingerprint when lines above it are added or removed, and code scanning keeps tracking the same alert.
    var seen: [String: Int] = [:]
    let results: [JSON] = diags.map { d in
      let f = sources[d.span.file]
      let start = sources.resolve(d.span).start
      let line = f.lineText(start.line).trimmingCharacters(in: .whitespaces)
      let hash = fingerprint([d.code.id, f.path, line, String(start.column), d.message].joined(separator: "|"))
      seen[hash, default: 0] += 1
      var fields: [(String, JSON)] = [
        ("ruleId", .string(d.code.id)), ("ruleIndex", .int(index[d.code.id] ?? 0)), ("level", .string(level(d.severity))),
        ("message", .object([("text", .string(d.message + (d.help.map { " (help: \($0))" } ?? "")))])),
        ("locations", .array([physical(d.span, sources)])),
        ("partialFingerprints", .object([("primaryLocationLineHash", .string("\(hash):\(seen[hash]!)"))])),
      ]
      let related = d.notes.compactMap { n -> JSON? in
        guard let s = n.span else { return nil }
        return .object([
          ("physicalLocation", .object([("artifactLocation", .object([("uri", .string(sources[s.file].path))])), ("region", region(s, sources))])),
          ("message", .object([("text", .string(n.message))])),
        ])
      }
      if !related.isEmpty { fields.append(("relatedLocations", .array(related))) }
      if let fix = d.fix {
        let changes: [JSON] = fix.edits.map { e in
          .object([
            ("artifactLocation", .object([("uri", .string(sources[e.span.file].path))])),
            (
              "replacements",
              .array([.object([("deletedRegion", region(e.span, sources)), ("insertedContent", .object([("text", .string(e.replacement))]))])])
            ),
          ])
        }
        fields.append(("fixes", .array([.object([("description", .object([("text", .string(fix.message))])), ("artifactChanges", .array(changes))])])))
      }
      return .object(fields)
    }
    return .object([
      ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
      ("version", .string("2.1.0")),
      (
        "runs",
        .array([
          .object([
            (
              "tool",
              .object([
                (
                  "driver",
                  .object([
                    ("name", .string("accrue")), ("version", .string(toolVersion)),
                    ("informationUri", .string("https://github.com/accrue/accrue")), ("rules", .array(rules)),
                  ])
                )
              ])
            ),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
          ])
        ])
      ),
    ])
  }
}
