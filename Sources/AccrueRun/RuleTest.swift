import AccrueCore

/// A rule test (`*.accrue-test`): a small dataset, an as-of date and what the run must produce.
///
/// ```
/// test "Team seats: 15.00 USD each"
/// rules ..
/// as of 2026-11-01
/// data folder ../../examples/data
/// data contracts.csv
/// id,customer,plan,start_date,seats
/// k1,cust-001,team,2026-10-01,3
///
/// expect invoice k1/2026-11-01 total 45.00 USD
/// expect invoice k1/2026-11-01 line "Seats: 3 x 15.00 USD" 45.00
/// expect no reminder INV-1/standard/first_reminder
/// ```
public struct RuleTestSpec: Sendable {
  public var name: String
  /// The rule set folder, relative to the test file's folder ("." by default).
  public var rules: String = "."
  public var asOf: CivilDate
  public var since: CivilDate?
  /// A data folder whose files are used (relative to the test file's folder), before the inline tables.
  public var dataFolder: String?
  /// Inline tables: file name and CSV text.
  public var tables: [(name: String, text: String)] = []
  public var expectations: [(line: Int, expectation: RuleExpectation)] = []
  /// The file's lines other than its expectations (kept by `--update`, in order).
  public var preamble: [String] = []
}

/// A test file that cannot be read.
public struct RuleTestError: Error, Sendable {
  public var line: Int
  public var message: String
}

extension RuleTestSpec {
  static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

  /// Reads a test file.
  public static func parse(_ text: String) -> Result<RuleTestSpec, RuleTestError> {
    var spec = RuleTestSpec(name: "", asOf: CivilDate(dayNumber: 0))
    var sawAsOf = false
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    var i = 0
    func fail(_ msg: String) -> Result<RuleTestSpec, RuleTestError> { .failure(RuleTestError(line: i + 1, message: msg)) }
    while i < lines.count {
      let line = lines[i]
      let t = line.trimmingLeadingSpaces()
      if !t.hasPrefix("expect ") { spec.preamble.append(line) }
      if t.isEmpty || t.hasPrefix("#") {
        i += 1
        continue
      }
      var words = Words(Words.withoutComment(t))
      switch words.next() {
      case "test":
        guard let n = words.quoted() else { return fail("write the test's name in quotes: test \"Team seats\"") }
        spec.name = n
      case "rules":
        spec.rules = words.rest
      case "as":
        guard words.next() == "of", let d = words.next().flatMap(CivilDate.parse) else { return fail("write: as of YYYY-MM-DD") }
        spec.asOf = d
        sawAsOf = true
      case "since":
        guard let d = words.next().flatMap(CivilDate.parse) else { return fail("write: since YYYY-MM-DD") }
        spec.since = d
      case "data":
        if words.peek() == "folder" {
          _ = words.next()
          spec.dataFolder = words.rest
        } else {
          guard let name = words.next(), name.hasSuffix(".csv") || name.hasSuffix(".json") || name.hasSuffix(".jsonl"),
            !name.contains("/"), !name.contains("\\"), !name.hasPrefix(".")
          else {
            return fail("write: data customers.csv, then the table's lines, ended by a blank line (or: data folder PATH)")
          }
          var body: [String] = []
          i += 1
          // The table ends at a blank line (or where the expectations start).
          while i < lines.count, !lines[i].trimmingLeadingSpaces().isEmpty, !lines[i].trimmingLeadingSpaces().hasPrefix("expect ") {
            spec.preamble.append(lines[i])
            body.append(lines[i].trimmingLeadingSpaces())
            i += 1
          }
          spec.tables.append((name, body.joined(separator: "\n") + "\n"))
          continue
        }
      case "expect":
        switch parseExpectation(&words) {
        case .success(let e):
          if let extra = words.next() { return fail("unexpected '\(extra)' after the expectation") }
          spec.expectations.append((i + 1, e))
        case .failure(let e): return fail(e.message)
        }
      default:
        return fail("unknown statement '\(t.prefix(30))': expected test, rules, as of, since, data or expect")
      }
      i += 1
    }
    if spec.name.isEmpty { return .failure(RuleTestError(line: 1, message: "the file has no 'test \"name\"' line")) }
    if !sawAsOf { return .failure(RuleTestError(line: 1, message: "the test has no 'as of YYYY-MM-DD' line")) }
    while let last = spec.preamble.last, last.trimmingLeadingSpaces().isEmpty { spec.preamble.removeLast() }
    return .success(spec)
  }
}

/// An `expect` line that does not read: the forms it may take.
struct ExpectationSyntax: Error {
  var message: String
}

/// Words of a line, with quoted strings (`\"` and `\\` escapes).
struct Words {
  var chars: [Character]
  var i = 0
  init(_ s: String) { chars = Array(s) }

  mutating func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

  mutating func peek() -> String? {
    let save = i
    defer { i = save }
    return next()
  }

  mutating func next() -> String? {
    skip()
    guard i < chars.count else { return nil }
    let start = i
    while i < chars.count, chars[i] != " " && chars[i] != "\t" { i += 1 }
    return String(chars[start..<i])
  }

  /// Whether the next word is a quoted string.
  mutating func peekQuoted() -> Bool {
    skip()
    return i < chars.count && chars[i] == "\""
  }

  /// A key: a word, or a quoted string when it holds spaces.
  mutating func key() -> String? {
    skip()
    return i < chars.count && chars[i] == "\"" ? quoted() : next()
  }

  mutating func quoted() -> String? {
    skip()
    guard i < chars.count, chars[i] == "\"" else { return nil }
    i += 1
    var out = ""
    while i < chars.count {
      let c = chars[i]
      if c == "\\", i + 1 < chars.count {
        out.append(chars[i + 1])
        i += 2
        continue
      }
      if c == "\"" {
        i += 1
        return out
      }
      out.append(c)
      i += 1
    }
    return nil
  }

  /// The line without its trailing comment: a `#` outside quotes that begins a word (at the start of the line
  /// or after a space or tab) starts a comment, which runs to the end of the line. A `#` inside a word is kept
  /// (`stmt-1a2b#2`, a payment's id), and so is one inside quotes (`"Order #12"`).
  static func withoutComment(_ line: String) -> String {
    let chars = Array(line)
    var quoted = false
    var i = 0
    while i < chars.count {
      let c = chars[i]
      if quoted {
        if c == "\\" { i += 1 } else if c == "\"" { quoted = false }
      } else if c == "\"" {
        quoted = true
      } else if c == "#", i == 0 || chars[i - 1] == " " || chars[i - 1] == "\t" {
        var s = String(chars[..<i])
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
      }
      i += 1
    }
    return line
  }

  /// The rest of the line, trimmed (a path).
  var rest: String {
    mutating get {
      skip()
      var s = String(chars[i...])
      while s.last == " " || s.last == "\t" { s.removeLast() }
      i = chars.count
      return s
    }
  }
}

extension String {
  fileprivate func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
  fileprivate func trimmingTrailingCR() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
