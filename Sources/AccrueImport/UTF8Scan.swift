/// Byte-level helpers shared by the CSV and JSON readers.
enum UTF8Scan {
  /// The length of the valid UTF-8 sequence starting at `p[i]` (a byte >= 0x80), or 0 if it is invalid
  /// or truncated at `end` (RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF).
  @inline(__always)
  static func sequenceLength(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
    let b0 = p[i]
    if b0 < 0x80 { return 1 }
    if b0 < 0xC2 { return 0 }
    @inline(__always) func cont(_ k: Int) -> Bool { i + k < end && p[i + k] & 0xC0 == 0x80 }
    if b0 < 0xE0 { return cont(1) ? 2 : 0 }
    if b0 < 0xF0 {
      guard i + 1 < end else { return 0 }
      let b1 = p[i + 1]
      if b0 == 0xE0 && b1 < 0xA0 { return 0 }
      if b0 == 0xED && b1 >= 0xA0 { return 0 }
      return cont(1) && cont(2) ? 3 : 0
    }
    if b0 < 0xF5 {
      guard i + 1 < end else { return 0 }
      let b1 = p[i + 1]
      if b0 == 0xF0 && b1 < 0x90 { return 0 }
      if b0 == 0xF4 && b1 >= 0x90 { return 0 }
      return cont(1) && cont(2) && cont(3) ? 4 : 0
    }
    return 0
  }

  /// The offset (from `start`) of the first byte of the first invalid UTF-8 sequence in
  /// `p[start..<end]`, or nil when it is all valid.
  static func firstInvalid(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    while i < end {
      if p[i] < 0x80 {
        i += 1
        continue
      }
      let n = sequenceLength(p, i, end)
      if n == 0 { return i - start }
      i += n
    }
    return nil
  }

  /// The offset (from `start`) of the first control character in valid UTF-8 `p[start..<end]`, or nil: C0 controls
  /// but tab, LF and CR, DEL, and the C1 controls U+0080-U+009F (bytes C2 80 to C2 9F). Data never holds them: a
  /// NUL is padding or UTF-16 text, the others the marks of a binary or a misread file.
  static func firstControl(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    var i = start
    while i < end {
      let c = p[i]
      if (c < 0x20 && c != 0x09 && c != 0x0A && c != 0x0D) || c == 0x7F { return i - start }
      if c == 0xC2 && i + 1 < end && p[i + 1] >= 0x80 && p[i + 1] <= 0x9F { return i - start }
      i += 1
    }
    return nil
  }

  /// What is wrong with a control character of value `value` found in `place` ("column 'name'"), and what to do.
  static func controlMessage(_ value: UInt32, in place: String) -> String {
    let names: [UInt32: String] = [
      0: "NUL", 0x08: "backspace", 0x0B: "vertical tab", 0x0C: "form feed", 0x1A: "SUB, end of file", 0x1B: "ESC", 0x7F: "DEL",
    ]
    let hex = String(value, radix: 16, uppercase: true)
    let name = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + (names[value].map { " (\($0))" } ?? "")
    let hint =
      value == 0
      ? "a NUL usually means the file was saved as UTF-16 or padded by a binary tool: save it as UTF-8 text"
      : "data files hold text only: remove it, or save the file again as UTF-8 text"
    return "control character \(name) in \(place); \(hint)"
  }

  /// The value of the control character `firstControl` found at `p[i]`.
  static func controlValue(_ p: UnsafePointer<UInt8>, _ i: Int) -> UInt32 { p[i] == 0xC2 ? UInt32(p[i + 1]) : UInt32(p[i]) }

  /// True when `p[start..<end]` is valid UTF-8.
  @inline(__always)
  static func isValid(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    firstInvalid(p, start, end) == nil
  }

  /// Number of Unicode scalars in `p[start..<end]`, counting every byte that is not a continuation
  /// byte (exact for valid UTF-8).
  @inline(__always)
  static func scalarCount(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var n = 0
    var i = start
    while i < end {
      if p[i] & 0xC0 != 0x80 { n += 1 }
      i += 1
    }
    return n
  }

  /// Appends the UTF-8 encoding of `scalar` (a valid scalar value) to `out`.
  static func append(scalar: UInt32, to out: inout [UInt8]) {
    if scalar < 0x80 {
      out.append(UInt8(scalar))
    } else if scalar < 0x800 {
      out.append(UInt8(0xC0 | (scalar >> 6)))
      out.append(UInt8(0x80 | (scalar & 0x3F)))
    } else if scalar < 0x10000 {
      out.append(UInt8(0xE0 | (scalar >> 12)))
      out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (scalar & 0x3F)))
    } else {
      out.append(UInt8(0xF0 | (scalar >> 18)))
      out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
      out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
      out.append(UInt8(0x80 | (scalar & 0x3F)))
    }
  }

  /// A short, printable rendering of a value for messages: at most 40 scalars, line breaks and tabs
  /// escaped, invalid UTF-8 as U+FFFD.
  static func show(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
    let limited = UnsafeBufferPointer(rebasing: bytes.prefix(160))
    let s = String(decoding: limited, as: UTF8.self)
    var out = ""
    var n = 0
    for u in s.unicodeScalars {
      if n == 40 {
        out += "…"
        break
      }
      switch u {
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 || u.value == 0x7F {
          out += "\\u{\(String(u.value, radix: 16))}"
        } else {
          out.unicodeScalars.append(u)
        }
      }
      n += 1
    }
    if bytes.count > limited.count && n < 40 { out += "…" }
    return out
  }
}
