import AccrueModel

/// Statement files that are not UTF-8 (a CSV export, an MT940 file from a German bank's Windows software) are
/// read as Windows-1252, the encoding those exports use: Latin-1 but for 0x80-0x9F, which hold € ‚ ƒ „ … † ‡ ˆ ‰ Š
/// ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ. The five bytes it leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) are read as
/// U+FFFD. Each assumption is a located warning (D0322), never a silent guess.
public enum Windows1252 {
  /// The characters of 0x80-0x9F (U+FFFD where Windows-1252 defines none).
  static let high: [UInt32] = [
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
  ]

  /// The character a byte stands for in Windows-1252.
  static func scalar(_ b: UInt8) -> Unicode.Scalar {
    let v = b >= 0x80 && b < 0xA0 ? high[Int(b) - 0x80] : UInt32(b)
    return Unicode.Scalar(v) ?? "\u{FFFD}"
  }

  /// Whether Windows-1252 leaves a byte undefined.
  static func undefined(_ b: UInt8) -> Bool { b >= 0x80 && b < 0xA0 && high[Int(b) - 0x80] == 0xFFFD }

  /// Bytes read as Windows-1252 (one character per byte).
  public static func decode(_ bytes: [UInt8]) -> String {
    var scalars = String.UnicodeScalarView()
    scalars.append(contentsOf: bytes.lazy.map(scalar))
    return String(scalars)
  }

  /// The text of a statement file: UTF-8 as it is; otherwise read as Windows-1252, with a warning at the first
  /// byte that is not UTF-8 naming the encoding assumed, and one at the first byte Windows-1252 does not define
  /// (counting the others). `what` names the file's kind in the message ("CSV statement", "MT940 file").
  public static func text(_ bytes: [UInt8], file: String, what: String) -> (text: String, warnings: [DataIssue]) {
    let firstInvalid = bytes.withUnsafeBufferPointer { b in b.baseAddress.flatMap { UTF8Scan.firstInvalid($0, 0, b.count) } }
    guard let bad = firstInvalid else { return (String(decoding: bytes, as: UTF8.self), []) }
    let at = location(bytes, bad)
    var warnings = [
      DataIssue(
        code: "D0322", file: file, line: at.line, column: at.column,
        message: "the \(what) is not UTF-8 (the byte \(hex(bytes[bad])) here is not UTF-8 text): read as Windows-1252, the encoding of "
          + "banks' Windows exports (so \(hex(bytes[bad])) is \"\(Character(scalar(bytes[bad])))\"); if names or texts look wrong, "
          + "ask the bank for the file in UTF-8")
    ]
    let undefinedAt = bytes.indices.filter { undefined(bytes[$0]) }
    if let first = undefinedAt.first {
      let u = location(bytes, first)
      let more = undefinedAt.count - 1
      warnings.append(
        DataIssue(
          code: "D0322", file: file, line: u.line, column: u.column,
          message: "the byte \(hex(bytes[first])) is no character in Windows-1252 (nor in UTF-8): read as the replacement character "
            + "\"\u{FFFD}\"\(more > 0 ? " (and \(more) more such byte\(more == 1 ? "" : "s") in the file)" : ""); the file may be in "
            + "another encoding or damaged: ask the bank for the file in UTF-8"))
    }
    return (decode(bytes), warnings)
  }

  /// The 1-based line and column (one character per byte) of `offset`; lines end in LF, CR LF or CR.
  static func location(_ bytes: [UInt8], _ offset: Int) -> (line: Int, column: Int) {
    var line = 1
    var start = 0
    var i = 0
    while i < offset {
      if bytes[i] == 10 || (bytes[i] == 13 && (i + 1 >= bytes.count || bytes[i + 1] != 10)) {
        line += 1
        start = i + 1
      }
      i += 1
    }
    return (line, offset - start + 1)
  }

  static func hex(_ b: UInt8) -> String {
    let digits = Array("0123456789ABCDEF")
    return "0x" + String([digits[Int(b >> 4)], digits[Int(b & 15)]])
  }
}
