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
