import AccrueCore
import AccrueParallel

/// A JSON value with object keys kept in insertion order, so output is byte-for-byte stable.
public indirect enum JSON: Sendable, Equatable {
  case null
  case bool(Bool)
  case int(Int)
  /// A number written exactly as given (for decimals: never through floating point).
  case number(String)
  case string(String)
  case array([JSON])
  case object([(String, JSON)])

  public static func == (a: JSON, b: JSON) -> Bool { a.serialized() == b.serialized() }

  /// Serialises compactly, or with two-space indentation when `pretty` (starting at `indent` levels,
  /// for a value written inside a larger document).
  public func serialized(pretty: Bool = false, indent: Int = 0) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(4096)
    write(to: &out, pretty: pretty, indent: indent)
    return String(decoding: out, as: UTF8.self)
  }

  /// Writes `.array(items.map(item))` pretty, as a whole document (`indent` 0) or inside one, an item at a time
  /// and passed on a megabyte at a time, so a large array is never held whole in memory.
  public static func writeArray<C: Collection>(_ items: C, indent: Int = 0, _ item: (C.Element) -> JSON, _ out: (String) -> Void) {
    if items.isEmpty { return out("[]") }
    var bytes: [UInt8] = [UInt8(ascii: "[")]
    bytes.reserveCapacity(1 << 20)
    for (n, v) in items.enumerated() {
      if n > 0 { bytes.append(UInt8(ascii: ",")) }
      newline(&bytes, indent + 1)
      item(v).write(to: &bytes, pretty: true, indent: indent + 1)
      if bytes.count >= 1 << 20 {
        out(String(decoding: bytes, as: UTF8.self))
        bytes.removeAll(keepingCapacity: true)
      }
    }
    newline(&bytes, indent)
    bytes.append(UInt8(ascii: "]"))
    out(String(decoding: bytes, as: UTF8.self))
  }

  /// Writes items `0..<count` as an array pretty inside a document at `indent`, a chunk of items at a time
  /// (`write(range, &writer)` writes each item of the range, each after `writer.item()`), each chunk passed on as
  /// one string, or as its bytes to `bytes` when given (no string made: a copy and a UTF-8 check of every byte):
  /// never held whole in memory, and from 2,000 items on, chunks are written by two threads
  /// (`TwoThreads.chunks`) and passed on in order. Each thread sizes a chunk's memory by the items it wrote before.
  public static func writeArray(
    count n: Int, indent: Int, _ write: @escaping @Sendable (Range<Int>, inout JSONWriter) -> Void, _ out: (String) -> Void,
    bytes: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) {
    if n == 0 { return out("[]") }
    let parts = n >= 2_000 ? min(256, n / 250) : 1
    out("[")
    let sizes = ItemSizes()
    let asText = bytes == nil
    TwoThreads.chunks(
      parts,
      { thread, k in
        let range = n * k / parts..<n * (k + 1) / parts
        var w = JSONWriter(arrayMembersAt: indent + 1, itemsBefore: k > 0, capacity: sizes.capacity(thread, range.count))
        write(range, &w)
        sizes.note(thread, w.count, range.count)
        return asText ? WrittenChunk(text: w.string) : w.finish()
      }, inOrder: { c in if let bytes { c.withBytes(bytes) } else { out(c.text ?? "") } })
    var end: [UInt8] = []
    newline(&end, indent)
    end.append(UInt8(ascii: "]"))
    out(String(decoding: end, as: UTF8.self))
  }

  static func newline(_ out: inout [UInt8], _ indent: Int) {
    // A line end and the indent's spaces from one made once (two bytes appended at a time cost more than the rest).
    if indent <= 32 {
      // From the buffer (a slice appended goes through the generic sequence path).
      newlines.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[0..<(1 + 2 * indent)])) }
      return
    }
    out.append(10)
    for _ in 0..<indent { out.append(32); out.append(32) }
  }

  /// A line end, then the spaces of 32 indent levels.
  private static let newlines: [UInt8] = [10] + [UInt8](repeating: 32, count: 64)

  func write(to out: inout [UInt8], pretty: Bool, indent: Int) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .number(let s): out.append(contentsOf: s.utf8)
    case .string(let s): JSON.escape(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (i, v) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { JSON.newline(&out, indent + 1) }
        v.write(to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&out, indent) }
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      if fields.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      for (i, (k, v)) in fields.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { JSON.newline(&out, indent + 1) }
        JSON.escape(k, into: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(32) }
        v.write(to: &out, pretty: pretty, indent: indent + 1)
      }
      if pretty { JSON.newline(&out, indent) }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// Writes a JSON string literal as UTF-8 (only quotes, backslashes and control characters are escaped).
  public static func escape(_ s: String, into out: inout [UInt8]) {
    let copied: Void? = s.utf8.withContiguousStorageIfAvailable { escape(bytes: $0, into: &out) }
    if copied == nil {
      out.append(UInt8(ascii: "\""))
      for b in s.utf8 { escape(byte: b, into: &out) }
      out.append(UInt8(ascii: "\""))
    }
  }

  /// A string literal of UTF-8 `bytes`, as `escape(_:into:)` writes it.
  public static func escape(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    // Runs of bytes that need no escape (most strings are one run) are copied at once.
    var from = 0
    while let k = firstToEscape(bytes, from: from) {
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from..<k]))
      escape(byte: bytes[k], into: &out)
      from = k + 1
    }
    out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[from...]))
    out.append(UInt8(ascii: "\""))
  }

  /// One byte of a string literal: escaped when a quote, a backslash or a control character, else as it is.
  @inline(__always) static func escape(byte b: UInt8, into out: inout [UInt8]) {
    switch b {
    case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
    case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
    case 10: out.append(contentsOf: [92, 110])
    case 13: out.append(contentsOf: [92, 114])
    case 9: out.append(contentsOf: [92, 116])
    case 0..<0x20:
      let hex = Array(String(b, radix: 16).utf8)
      out.append(contentsOf: [92, 117, 48, 48])
      if hex.count == 1 { out.append(48) }
      out.append(contentsOf: hex)
    default: out.append(b)
    }
  }

  /// The index of the first byte at or after `from` that is a control character (below 0x20), a quote or a
  /// backslash, nil when none: eight bytes at a time (a word has a byte below n when (w - n·0x01..01) & ~w &
  /// 0x80..80 is not zero, for n up to 128; a byte equal to c when w ^ c·0x01..01 has a zero byte), the last few
  /// as the word that ends the string; then the bytes of a word that has one, one by one. The output's strings are
  /// mostly plain: a scan a byte at a time was a tenth of the JSON of cash applications and reminders.
  @inline(__always) static func firstToEscape(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
    guard let base = b.baseAddress else { return nil }
    let p = UnsafeRawPointer(base)
    let n = b.count
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    var i = from
    while i + 8 <= n {
      let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
      let quote = w ^ (ones &* 0x22)
      let backslash = w ^ (ones &* 0x5C)
      let found = ((w &- ones &* 0x20) & ~w) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
      if found & highs != 0 { break }
      i += 8
    }
    // The last few bytes (the words above found nothing): the word ending at the last byte, when the string has
    // one (it overlaps bytes already seen, or before `from`: a byte found there only sends the search on, one
    // byte at a time).
    if i + 8 > n && i < n && n >= 8 {
      let w = p.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      let quote = w ^ (ones &* 0x22)
      let backslash = w ^ (ones &* 0x5C)
      let found = ((w &- ones &* 0x20) & ~w) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
      if found & highs == 0 { return nil }
    }
    while i < n {
      let c = base[i]
      if c < 0x20 || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") { return i }
      i += 1
    }
    return nil
  }
}

/// A chunk of JSON written on either thread: its bytes (the writer's memory, freed with the chunk), or a string.
final class WrittenChunk: @unchecked Sendable {
  private let base: UnsafeMutablePointer<UInt8>?
  private let count: Int
  let text: String?

  init(base: UnsafeMutablePointer<UInt8>, count: Int) {
    self.base = base
    self.count = count
    text = nil
  }

  init(text: String) {
    base = nil
    count = 0
    self.text = text
  }

  deinit { base?.deallocate() }

  func withBytes(_ body: (UnsafeBufferPointer<UInt8>) -> Void) {
    if let text { return text.withBytes(body) }
    body(UnsafeBufferPointer(start: base, count: count))
  }
}

/// Bytes an item took in the chunks each thread wrote last (each thread reads and writes only its own), so the next
/// chunk's memory is about its size (grown by doubling, it was copied about once more and taken fresh each time).
final class ItemSizes: @unchecked Sendable {
  private var first = 1024
  private var second = 1024

  func capacity(_ thread: Int, _ items: Int) -> Int { (thread == 0 ? first : second) * items + 4096 }

  func note(_ thread: Int, _ bytes: Int, _ items: Int) {
    let each = bytes / max(1, items) + 16
    if thread == 0 { first = each } else { second = each }
  }
}
