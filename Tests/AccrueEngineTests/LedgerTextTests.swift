import Testing

@testable import AccrueLedger

/// The ledger's lists of texts (`JSONText.array`, written byte by byte) are what the definition, scalar by scalar,
/// gives, and read back as they were.
struct LedgerTextTests {
  /// The definition: each scalar escaped as JSON requires (`\n`, `\r`, `\t`, else `\u00XX` below 0x20).
  static func definition(_ items: [String]) -> String {
    var out = "["
    for (k, s) in items.enumerated() {
      if k > 0 { out += "," }
      out += "\""
      for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
          if u.value < 0x20 {
            let hex = String(u.value, radix: 16)
            out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
          } else {
            out.unicodeScalars.append(u)
          }
        }
      }
      out += "\""
    }
    return out + "]"
  }

  @Test("arrays of ids, quotes, backslashes, control characters and non-ASCII text")
  func sameAsDefinition() {
    var state: UInt64 = 25
    func next() -> UInt64 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return state >> 33
    }
    let pieces = ["", "INV-2026-0001", "\"", "\\", "\n", "\r", "\t", "\u{1}", "\u{1F}", "\u{7F}", "é", "Müller", "\u{1F600}", "/"]
    for n in 0..<500 {
      let items = (0..<(n % 5)).map { _ in (0..<Int(next() % 5)).map { _ in pieces[Int(next() % UInt64(pieces.count))] }.joined() }
      let text = JSONText.array(items)
      #expect(text == Self.definition(items))
      #expect(JSONText.strings(text) == items)
    }
  }
}
