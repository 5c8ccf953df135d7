import AccrueCore

/// Lists of texts in the ledger as JSON arrays of strings (`["INV-1","INV-2"]`): one column a query can open
/// with SQLite's `json_each`, instead of a row per element.
enum JSONText {
  /// `["a","b"]`, with `"`, `\` and control characters escaped (`\n`, `\r`, `\t`, else `\u00XX`), written as bytes.
  static func array(_ items: [String]) -> String {
    var out: [UInt8] = [UInt8(ascii: "[")]
    for (k, s) in items.enumerated() {
      if k > 0 { out.append(UInt8(ascii: ",")) }
      out.append(UInt8(ascii: "\""))
      s.withBytes { b in
        // Most ids need no escape: their bytes are copied at once.
        guard b.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return out.append(contentsOf: b) }
        for c in b {
          switch c {
          case UInt8(ascii: "\""): out += [92, 34]
          case UInt8(ascii: "\\"): out += [92, 92]
          case 10: out += [92, 110]
          case 13: out += [92, 114]
          case 9: out += [92, 116]
          case 0..<0x20: out += [92, 117, 48, 48, hex(c >> 4), hex(c & 15)]
          default: out.append(c)
          }
        }
      }
      out.append(UInt8(ascii: "\""))
    }
    out.append(UInt8(ascii: "]"))
    return String(decoding: out, as: UTF8.self)
  }

  private static func hex(_ d: UInt8) -> UInt8 { d < 10 ? 48 + d : 87 + d }

  /// The strings of an array `array` wrote (nil when the text is not such an array).
  static func strings(_ text: String) -> [String]? {
    var out: [String] = []
    var it = Array(text.unicodeScalars).makeIterator()
    guard it.next() == "[" else { return nil }
    var c = it.next()
    if c == "]" { return it.next() == nil ? out : nil }
    while true {
      guard c == "\"" else { return nil }
      var s = String.UnicodeScalarView()
      while true {
        guard let u = it.next() else { return nil }
        if u == "\"" { break }
        if u != "\\" {
          s.append(u)
          continue
        }
        switch it.next() {
        case "\""?: s.append("\"")
        case "\\"?: s.append("\\")
        case "/"?: s.append("/")
        case "n"?: s.append("\n")
        case "r"?: s.append("\r")
        case "t"?: s.append("\t")
        case "b"?: s.append("\u{8}")
        case "f"?: s.append("\u{C}")
        case "u"?:
          var hex = ""
          for _ in 0..<4 { guard let h = it.next() else { return nil }; hex.unicodeScalars.append(h) }
          guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { return nil }
          s.append(scalar)
        default: return nil
        }
      }
      out.append(String(s))
      c = it.next()
      if c == "]" { return it.next() == nil ? out : nil }
      guard c == "," else { return nil }
      c = it.next()
    }
  }
}
