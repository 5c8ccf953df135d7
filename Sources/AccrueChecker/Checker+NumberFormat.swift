import AccrueCore
import AccrueDiagnostics
import AccrueParser

/// A number format read from its string: the pieces with where each is written.
struct ScannedFormat {
  var pieces: [(piece: NumberPiece, span: Span)] = []
  /// Whether a brace or placeholder was reported (E0601, E0602, E0411): checks that need the whole format are
  /// left out then, so one typo gives one message.
  var malformed = false

  /// The pieces alone.
  var values: [NumberPiece] { pieces.map(\.piece) }

  /// Where the first piece equal to `p` is written.
  func span(of p: NumberPiece) -> Span? { pieces.first { $0.piece == p }?.span }

  /// Where the sequence placeholders are written.
  var sequenceSpans: [Span] {
    pieces.compactMap { if case .sequence = $0.piece { $0.span } else { nil } }
  }
}

extension CheckerState {
  static let placeholderNames = ["year", "month", "entity", "seq"]
  static let placeholderList = "{year}, {month}, {entity}, {seq} and {seq:N}"
  /// How other systems and spreadsheets write these placeholders.
  static let placeholderAliases = [
    "yyyy": "year", "yy": "year", "yr": "year", "mm": "month", "mon": "month", "n": "seq", "nr": "seq", "no": "seq",
    "num": "seq", "number": "seq", "counter": "seq", "sequence": "seq", "company": "entity", "legal_entity": "entity",
  ]

  /// Reads a number format from the string's bytes as written (so each placeholder has its own span), reporting
  /// braces that make no placeholder (E0601), unknown placeholders (E0602) and widths out of range (E0411).
  func scanFormat(_ lit: StringLit) -> ScannedFormat {
    let file = lit.span.file
    let bytes = sources[file].bytes
    let open = UInt8(ascii: "{")
    let close = UInt8(ascii: "}")
    var i = min(Int(lit.span.start) + 1, bytes.count)
    var end = min(Int(lit.span.end), bytes.count)
    if end - 1 >= i, bytes[end - 1] == UInt8(ascii: "\"") { end -= 1 }
    var out = ScannedFormat()
    var text: [UInt8] = []
    var textStart = i
    func span(_ s: Int, _ e: Int) -> Span { Span(file: file, start: Int32(s), end: Int32(e)) }
    func flush(_ upTo: Int) {
      if !text.isEmpty { out.pieces.append((.text(String(decoding: text, as: UTF8.self)), span(textStart, upTo))) }
      text = []
    }
    while i < end {
      let c = bytes[i]
      if text.isEmpty { textStart = i }
      if c == UInt8(ascii: "\\"), i + 1 < end {
        switch bytes[i + 1] {
        case UInt8(ascii: "n"): text.append(10)
        case UInt8(ascii: "t"): text.append(9)
        default: text.append(bytes[i + 1])
        }
        i += 2
        continue
      }
      if c == close {
        out.malformed = true
        report(
          .numberFormatBraces, "this '}' closes no placeholder", at: span(i, i + 1),
          help: "placeholders are written \(Self.placeholderList), as in \"INV-{year}-{seq:5}\"; a number cannot contain braces")
        i += 1
        continue
      }
      guard c == open else {
        text.append(c)
        i += 1
        continue
      }
      var j = i + 1
      while j < end, bytes[j] != close, bytes[j] != open { j += 1 }
      guard j < end, bytes[j] == close else {
        out.malformed = true
        report(
          .numberFormatBraces, "this '{' is never closed", at: span(i, i + 1),
          help: "close the placeholder with '}', as in \"INV-{year}-{seq:5}\"; a number cannot contain braces")
        i += 1
        continue
      }
      flush(i)
      let inner = String(decoding: bytes[(i + 1)..<j], as: UTF8.self)
      if let p = placeholder(inner, at: span(i, j + 1)) { out.pieces.append((p, span(i, j + 1))) } else { out.malformed = true }
      i = j + 1
    }
    flush(end)
    return out
  }

  /// The placeholder written `{inner}`, or nil after reporting why it is none.
  func placeholder(_ inner: String, at s: Span) -> NumberPiece? {
    let parts = inner.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    let key = String(parts.first ?? "")
    let width = parts.count > 1 ? String(parts[1]) : nil
    switch key {
    case "year", "month", "entity":
      if width != nil {
        report(
          .numberFormatBraces, "'{\(inner)}' takes no number of digits: only {seq} does", at: s,
          help: key == "year" ? "write {year} (always 4 digits)" : key == "month" ? "write {month} (always 2 digits)" : "write {entity}",
          fix: FixIt("replace with '{\(key)}'", edits: [Edit(s, "{\(key)}")]))
        return nil
      }
      return key == "year" ? .year : key == "month" ? .month : .entity
    case "seq":
      guard let width else { return .sequence(width: 1) }
      guard !width.isEmpty, width.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
        report(
          .numberFormatBraces, "'{\(inner)}' needs a number of digits after the colon", at: s,
          help: "write the digits the sequence is padded to, as in {seq:5} (00042), or {seq} for the number as it is")
        return nil
      }
      guard let n = Int(width), (1...12).contains(n) else {
        report(
          .valueOutOfRange, "'{\(inner)}' pads the sequence to \(width) digits: it pads to 1 to 12", at: s,
          help: "write {seq:12} or fewer digits; a number longer than that is written in full")
        return nil
      }
      return .sequence(width: n)
    default:
      let trimmed = key.trimmingSpaces()
      let sug =
        Self.placeholderNames.contains(trimmed)
        ? trimmed : Self.placeholderAliases[trimmed.lowercased()] ?? Suggest.closest(to: key, in: Self.placeholderNames)
      let written = sug.map { "{" + $0 + (width.map { ":" + $0 } ?? "") + "}" }
      report(
        .unknownPlaceholder, "'{\(inner)}' is not a placeholder of number formats", at: s,
        help: (written.map { "did you mean '\($0)'? " } ?? "") + "the placeholders are \(Self.placeholderList)",
        fix: written.map { FixIt("replace with '\($0)'", edits: [Edit(s, $0)]) })
      return nil
    }
  }

  /// The string literal with `insert` written at byte `offset` of the source (inside its quotes): a format to
  /// suggest.
  func formatInserting(_ insert: String, at offset: Int32, in lit: StringLit) -> String {
    let text = sources[lit.span.file].text(lit.span)
    let k = Int(offset - lit.span.start)
    guard k >= 1, k <= text.utf8.count else { return text }
    let bytes = Array(text.utf8)
    return String(decoding: bytes[..<k], as: UTF8.self) + insert + String(decoding: bytes[k...], as: UTF8.self)
  }
}

extension String {
  fileprivate func trimmingSpaces() -> String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
