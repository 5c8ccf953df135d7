/// Lists of texts in the ledger as JSON arrays of strings (`["INV-1","INV-2"]`): one column a query can open
/// with SQLite's `json_each`, instead of a row per element.
enum JSONText {
  /// `["a","b"]`, with `"`, `\` and control characters escaped.
  static func array(_ items: [String]) -> String {
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
