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

  /// Starts the next member of the open object: `"key": `.
  public mutating func key(_ k: String) {
    item()
    JSON.escape(k, into: &bytes)
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
  public mutating func int(_ i: Int) { bytes.append(contentsOf: String(i).utf8) }
  /// A value made as a tree, written at the writer's place.
  public mutating func value(_ v: JSON) { v.write(to: &bytes, pretty: !compact, indent: depth) }

  /// `"key": "s"`, `"key": null` when `s` is nil.
  public mutating func field(_ k: String, _ s: String?) {
    key(k)
    if let s { string(s) } else { null() }
  }

  public mutating func field(_ k: String, _ b: Bool) {
    key(k)
    bool(b)
  }

  /// `"key": "file:line"` for a place (`SourceRef.description`), `null` when there is none, without making the
  /// string (a file's path is seldom short enough to be held inline: the string was an allocation per place).
  public mutating func place(_ k: String, _ place: SourceRef?) {
    key(k)
    guard let place else { return null() }
    write(place)
  }

  /// `"key": ["file:line", ...]`.
  public mutating func places(_ k: String, _ list: [SourceRef]) {
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
  public mutating func strings(_ k: String, _ list: [String]) {
    key(k)
    open("[")
    for s in list {
      item()
      string(s)
    }
    close("]")
  }
}
