import AccrueCore
import AccrueModel

/// Writes pretty JSON straight into bytes, value by value, exactly as `JSON.write(pretty: true)` writes the same
/// tree (two spaces an indent level, `"key": value`, empty containers as `[]` and `{}`), without making the tree:
/// for large outputs, where making and freeing a tree per item cost more than writing it. A compact writer writes
/// as `JSON.serialized()` does (no spaces, no new lines: JSON Lines).
public struct JSONWriter {
  public var bytes: [UInt8] = []
  /// The indent level of the open container's members.
  private var depth: Int
  /// Members written so far in each open container (the innermost last).
  private var counts: [Int]
  /// Compact, not pretty.
  private var compact = false

  /// A writer for items of an array whose members are at `depth` (`itemsBefore`: whether the array already has
  /// items, so the first item here follows a comma).
  public init(arrayMembersAt depth: Int, itemsBefore: Bool, capacity: Int = 4096) {
    self.depth = depth
    counts = [itemsBefore ? 1 : 0]
    bytes.reserveCapacity(capacity)
  }

  /// A compact writer (`JSON.serialized()`'s layout) for values written one after the other, each opened with
  /// `open` (no separator between two: the caller writes its own, a new line for JSON Lines).
  public init(compactCapacity capacity: Int) {
    self.init(arrayMembersAt: 0, itemsBefore: false, capacity: capacity)
    compact = true
  }

  /// Starts the next member of the open array: a comma after the one before, a new line, the indent.
  public mutating func item() {
    if counts[counts.count - 1] > 0 { bytes.append(UInt8(ascii: ",")) }
    counts[counts.count - 1] += 1
    if !compact { JSON.newline(&bytes, depth) }
  }

  /// Starts the next member of the open object: `"key": `. Keys are literals with nothing to escape (checked in
  /// debug builds), copied as they are: escaping each key of each item was a fifth of writing a reminder.
  public mutating func key(_ k: StaticString) {
    item()
    k.withUTF8Buffer { b in
      assert(JSON.firstToEscape(b, from: 0) == nil, "a JSON key with a character to escape")
      bytes.append(UInt8(ascii: "\""))
      bytes.append(contentsOf: b)
    }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(UInt8(ascii: ":"))
    if !compact { bytes.append(32) }
  }

  public mutating func open(_ bracket: Character) {
    bytes.append(bracket == "[" ? UInt8(ascii: "[") : UInt8(ascii: "{"))
    depth += 1
    counts.append(0)
  }

  public mutating func close(_ bracket: Character) {
    depth -= 1
    if counts.removeLast() > 0 && !compact { JSON.newline(&bytes, depth) }
    bytes.append(bracket == "]" ? UInt8(ascii: "]") : UInt8(ascii: "}"))
  }

  public mutating func string(_ s: String) { JSON.escape(s, into: &bytes) }
  public mutating func null() { bytes.append(contentsOf: "null".utf8) }
  public mutating func bool(_ b: Bool) { bytes.append(contentsOf: (b ? "true" : "false").utf8) }
  /// An integer's decimal digits, written in place (as `String(i)` writes them).
  public mutating func int(_ i: Int) {
    var v = i.magnitude
    if i < 0 { bytes.append(UInt8(ascii: "-")) }
    if v < 10 { return bytes.append(0x30 &+ UInt8(truncatingIfNeeded: v)) }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var n = 20
      while v > 0 {
        n -= 1
        digits[n] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
        v /= 10
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n...]))
    }
  }

  /// `"key": "YYYY-MM-DD"` (`CivilDate.description`), written in place.
  public mutating func field(_ k: StaticString, date d: CivilDate) {
    key(k)
    let (y, m, day) = d.ymd
    guard (0...9999).contains(y) else { return string(d.description) }
    @inline(__always) func digit(_ v: Int) -> UInt8 { 0x30 &+ UInt8(truncatingIfNeeded: v) }
    bytes.append(UInt8(ascii: "\""))
    bytes.append(digit(y / 1000))
    bytes.append(digit(y / 100 % 10))
    bytes.append(digit(y / 10 % 10))
    bytes.append(digit(y % 10))
    bytes.append(UInt8(ascii: "-"))
    bytes.append(digit(m / 10))
    bytes.append(digit(m % 10))
    bytes.append(UInt8(ascii: "-"))
    bytes.append(digit(day / 10))
    bytes.append(digit(day % 10))
    bytes.append(UInt8(ascii: "\""))
  }

  /// `"key": "id"`, an invoice's id, from its bytes when held inline (no string made).
  public mutating func field(_ k: StaticString, idOf r: InvoiceRef) {
    key(k)
    if r.idText.isNone { return string(r.id) }
    r.idText.withBytes { JSON.escape(bytes: $0, into: &bytes) }
  }

  /// `"key": "number"`, an invoice's number (its id when it has none of its own).
  public mutating func field(_ k: StaticString, numberOf r: InvoiceRef) {
    if r.numberIsID { return field(k, idOf: r) }
    key(k)
    string(r.number)
  }
  /// A value made as a tree, written at the writer's place.
  public mutating func value(_ v: JSON) { v.write(to: &bytes, pretty: !compact, indent: depth) }

  /// `"key": "s"`, `"key": null` when `s` is nil.
  public mutating func field(_ k: StaticString, _ s: String?) {
    key(k)
    if let s { string(s) } else { null() }
  }

  public mutating func field(_ k: StaticString, _ b: Bool) {
    key(k)
    bool(b)
  }

  /// `"key": "file:line"` for a place (`SourceRef.description`), `null` when there is none, without making the
  /// string (a file's path is seldom short enough to be held inline: the string was an allocation per place).
  public mutating func place(_ k: StaticString, _ place: SourceRef?) {
    key(k)
    guard let place else { return null() }
    write(place)
  }

  /// `"key": ["file:line", ...]`.
  public mutating func places(_ k: StaticString, _ list: [SourceRef]) {
    key(k)
    open("[")
    for i in list.indices {
      item()
      write(list[i])
    }
    close("]")
  }

  /// `"file:line"`: the file's path escaped, then the colon and digits (which need no escape) before its quote.
  private mutating func write(_ place: SourceRef) {
    JSON.escape(place.file, into: &bytes)
    bytes[bytes.count - 1] = UInt8(ascii: ":")
    bytes.append(contentsOf: String(place.line).utf8)
    bytes.append(UInt8(ascii: "\""))
  }

  /// `"key": ["a", "b"]`.
  public mutating func strings(_ k: StaticString, _ list: [String]) {
    key(k)
    open("[")
    for s in list {
      item()
      string(s)
    }
    close("]")
  }
}
