import AccrueCore
import AccrueModel

/// Where an explanation's sentence is written, piece by piece: a string (`SentenceText`: text output, `--explain`,
/// `--why-not`), or a JSON string literal a `JSONWriter` is writing (each piece escaped as it is copied: no string
/// made for the sentence, none for its amounts and dates). A sentence is written once, as pieces, for both. JSON
/// escapes byte by byte, so pieces escaped one by one are the sentence escaped whole.
protocol SentenceSink: ~Copyable {
  /// A text of the data or the rules.
  mutating func put(_ s: String)
  /// Words of the sentence itself: literals with nothing JSON escapes (checked in debug builds; a double quote is
  /// `quote()`), copied as they are.
  mutating func words(_ s: StaticString)
  /// A double quote (`\"` in JSON).
  mutating func quote()
  /// An integer's digits (`String(n)`).
  mutating func put(_ n: Int)
  /// An amount as `Fixed.formatted(places:grouping:)` writes it.
  mutating func put(_ v: Fixed, places: Int, grouping: Bool)
  /// A date as `CivilDate.description` writes it.
  mutating func put(_ d: CivilDate)
}

extension SentenceSink where Self: ~Copyable {
  /// "1,200.00 USD" (`Money.formatted(grouping: true)`).
  mutating func put(money m: Money) {
    put(m.amount, places: Swift.max(m.amount.significantFractionDigits, m.currency.minorUnits), grouping: true)
    words(" ")
    put(m.currency.code)
  }

  /// An amount as `Fixed.description` writes it ("1200.5").
  mutating func put(_ v: Fixed) { put(v, places: v.significantFractionDigits, grouping: false) }

  /// "file:line" (`SourceRef.description`).
  mutating func put(_ r: SourceRef) {
    put(r.file)
    words(":")
    put(r.line)
  }

  /// The texts with `separator` between them (`joined(separator:)`).
  mutating func put(_ list: [String], separator: StaticString) {
    for k in list.indices {
      if k > 0 { words(separator) }
      put(list[k])
    }
  }
}

/// A sentence made as a string.
struct SentenceText: SentenceSink {
  var text = ""
  mutating func put(_ s: String) { text += s }
  mutating func words(_ s: StaticString) { s.withUTF8Buffer { text += String(decoding: $0, as: UTF8.self) } }
  mutating func quote() { text += "\"" }
  mutating func put(_ n: Int) { text += String(n) }
  mutating func put(_ v: Fixed, places: Int, grouping: Bool) { text += v.formatted(places: places, grouping: grouping) }
  mutating func put(_ d: CivilDate) { text += d.description }
}

/// A sentence written as the string literal being written (`JSONWriter.openString`, `closeString`).
extension JSONWriter: SentenceSink {
  mutating func put(_ s: String) { s.withBytes { escapedRun($0) } }
  mutating func words(_ s: StaticString) { literal(s) }
  mutating func quote() { escapedQuote() }
  mutating func put(_ n: Int) { int(n) }
  mutating func put(_ v: Fixed, places: Int, grouping: Bool) { amount(v, places: places, grouping: grouping) }
  mutating func put(_ d: CivilDate) { date(d) }
}
