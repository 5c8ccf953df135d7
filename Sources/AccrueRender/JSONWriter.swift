import AccrueCore
import AccrueModel

/// Writes pretty JSON straight into bytes, value by value, exactly as `JSON.write(pretty: true)` writes the same
/// tree (two spaces an indent level, `"key": value`, empty containers as `[]` and `{}`), without making the tree:
/// for large outputs, where making and freeing a tree per item cost more than writing it. A compact writer writes
/// as `JSON.serialized()` does (no spaces, no new lines: JSON Lines).
///
/// The bytes are in memory of the writer's own (as `TextBuffer`'s): an array's append checks that it is the only
/// owner of its storage, and its append of a run of bytes is a call of its own, for every key, indent and value
/// (a fifth of writing a cash application). Not copyable, so one writer has one owner, which frees it.
public struct JSONWriter: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// Bytes written.
  public private(set) var count = 0
  /// The indent level of the open container's members.
  private var depth: Int
  /// Whether each open container has members yet (the innermost at `level`).
  private var filled: UnsafeMutablePointer<Bool>
  private var levels = 16
  private var level = 0
  /// Compact, not pretty.
  private var compact = false
  /// Where the file's literal of the last place written ended (its `:`).
  private var lastFileEnd = 0

  /// A writer for items of an array whose members are at `depth` (`itemsBefore`: whether the array already has
  /// items, so the first item here follows a comma).
  public init(arrayMembersAt depth: Int, itemsBefore: Bool, capacity: Int = 4096) {
    self.depth = depth
    self.capacity = max(64, capacity)
    base = .allocate(capacity: self.capacity)
    filled = .allocate(capacity: levels)
    filled[0] = itemsBefore
  }

  /// A compact writer (`JSON.serialized()`'s layout) for values written one after the other, each opened with
  /// `open` (no separator between two: the caller writes its own, a new line for JSON Lines).
  public init(compactCapacity capacity: Int) {
    self.init(arrayMembersAt: 0, itemsBefore: false, capacity: capacity)
    compact = true
  }

  deinit {
    base.deallocate()
    filled.deallocate()
  }

  /// The bytes written, as an array (a copy; setting it replaces them).
  public var bytes: [UInt8] {
    get { Array(UnsafeBufferPointer(start: base, count: count)) }
    set {
      count = 0
      newValue.withUnsafeBufferPointer { append($0) }
    }
  }

  /// Calls `body` with the bytes written, in place.
  public func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(UnsafeBufferPointer(start: base, count: count)) }

  /// The bytes written as a string.
  public var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

  /// The bytes written, handed over with their memory (the writer is gone).
  consuming func finish() -> WrittenChunk {
    let chunk = WrittenChunk(base: base, count: count)
    filled.deallocate()
    discard self
    return chunk
  }

  /// Forgets the bytes written (keeping the memory).
  public mutating func clear() { count = 0 }

  /// One byte as it is (a new line between two values of JSON Lines).
  public mutating func raw(_ b: UInt8) { append(b) }

  // MARK: Bytes

  /// Room for `n` more bytes.
  @inline(__always) private mutating func reserve(_ n: Int) {
    if capacity &- count < n { grow(n) }
  }

  private mutating func grow(_ n: Int) {
    var size = capacity * 2
    while size - count < n { size *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    bigger.initialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity = size
  }

  @inline(__always) private mutating func append(_ b: UInt8) {
    reserve(1)
    base[count] = b
    count &+= 1
  }

  /// `n` bytes from `src`: short runs (keys, amounts, ids) a word at a time, the last word overlapping the one
  /// before (a call of `memcpy` cost more than the copy); long ones by `memcpy`.
  @inline(__always) private mutating func append(_ src: UnsafePointer<UInt8>, _ n: Int) {
    reserve(n)
    let dst = UnsafeMutableRawPointer(base + count)
    if n >= 8 && n <= 32 {
      let s = UnsafeRawPointer(src)
      var i = 0
      while i &+ 8 < n {
        dst.storeBytes(of: s.loadUnaligned(fromByteOffset: i, as: UInt64.self), toByteOffset: i, as: UInt64.self)
        i &+= 8
      }
      dst.storeBytes(of: s.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self), toByteOffset: n &- 8, as: UInt64.self)
    } else if n < 8 {
      for i in 0..<n { dst.storeBytes(of: src[i], toByteOffset: i, as: UInt8.self) }
    } else {
      dst.copyMemory(from: src, byteCount: n)
    }
    count &+= n
  }

  @inline(__always) private mutating func append(_ s: StaticString) { append(s.utf8Start, s.utf8CodeUnitCount) }

  @inline(__always) private mutating func append(_ b: UnsafeBufferPointer<UInt8>) {
    guard let p = b.baseAddress else { return }
    append(p, b.count)
  }

  /// A line end and the indent's spaces, eight at a time.
  @inline(__always) private mutating func newline() {
    let n = 2 &* depth
    reserve(n &+ 9)
    let p = UnsafeMutableRawPointer(base + count)
    p.storeBytes(of: 10, as: UInt8.self)
    var i = 1
    while i <= n {
      p.storeBytes(of: 0x2020_2020_2020_2020 as UInt64, toByteOffset: i, as: UInt64.self)
      i &+= 8
    }
    count &+= n &+ 1
  }

  /// A string literal of UTF-8 `bytes`, as `JSON.escape(bytes:into:)` writes it.
  private mutating func escaped(_ b: UnsafeBufferPointer<UInt8>) {
    append(UInt8(ascii: "\""))
    escapedRun(b)
    append(UInt8(ascii: "\""))
  }

  /// UTF-8 `bytes` escaped, without quotes (a piece of a string literal: see `openString`).
  mutating func escapedRun(_ b: UnsafeBufferPointer<UInt8>) {
    var from = 0
    while let k = JSON.firstToEscape(b, from: from) {
      append(b.baseAddress! + from, k - from)
      var one: [UInt8] = []
      JSON.escape(byte: b[k], into: &one)
      one.withUnsafeBufferPointer { append($0) }
      from = k + 1
    }
    if let p = b.baseAddress { append(p + from, b.count - from) }
  }

  /// Words within a string literal, copied as they are (nothing to escape: checked in debug builds).
  mutating func literal(_ s: StaticString) {
    s.withUTF8Buffer { b in
      assert(JSON.firstToEscape(b, from: 0) == nil, "words with a character to escape")
      append(b)
    }
  }

  /// A double quote within a string literal: `\"`.
  mutating func escapedQuote() {
    append(UInt8(ascii: "\\"))
    append(UInt8(ascii: "\""))
  }

  /// Opens a string literal written piece by piece (`SentenceSink`: an explanation's sentence), after `item()` or
  /// `key(_:)`; `closeString()` ends it.
  mutating func openString() { append(UInt8(ascii: "\"")) }
  mutating func closeString() { append(UInt8(ascii: "\"")) }

  // MARK: JSON

  /// Starts the next member of the open array: a comma after the one before, a new line, the indent.
  public mutating func item() {
    if filled[level] { append(UInt8(ascii: ",")) }
    filled[level] = true
    if !compact { newline() }
  }

  /// Starts the next member of the open object: `"key": `. Keys are literals with nothing to escape (checked in
  /// debug builds), copied as they are: escaping each key of each item was a fifth of writing a reminder.
  public mutating func key(_ k: StaticString) {
    item()
    let n = k.utf8CodeUnitCount
    assert(JSON.firstToEscape(UnsafeBufferPointer(start: k.utf8Start, count: n), from: 0) == nil, "a JSON key with a character to escape")
    reserve(n &+ 4)
    base[count] = UInt8(ascii: "\"")
    count &+= 1
    append(k.utf8Start, n)
    base[count] = UInt8(ascii: "\"")
    base[count &+ 1] = UInt8(ascii: ":")
    count &+= 2
    if !compact { append(32) }
  }

  /// A member's key as text made for this writer's depth (`FixedKeys`: a comma, the line end and indent, then
  /// `"key": `, the bytes `key(_:)` writes), copied whole; the open object's first member leaves the comma out.
  mutating func key(fixed text: UnsafeBufferPointer<UInt8>) {
    if filled[level] { return append(text) }
    filled[level] = true
    append(text.baseAddress! + 1, text.count - 1)
  }

  public mutating func open(_ bracket: Character) {
    append(bracket == "[" ? UInt8(ascii: "[") : UInt8(ascii: "{"))
    depth += 1
    level += 1
    if level == levels {
      let more = UnsafeMutablePointer<Bool>.allocate(capacity: levels * 2)
      more.initialize(from: filled, count: levels)
      filled.deallocate()
      filled = more
      levels *= 2
    }
    filled[level] = false
  }

  public mutating func close(_ bracket: Character) {
    depth -= 1
    let had = filled[level]
    level -= 1
    if had && !compact { newline() }
    append(bracket == "]" ? UInt8(ascii: "]") : UInt8(ascii: "}"))
  }

  public mutating func string(_ s: String) { s.withBytes { escaped($0) } }
  public mutating func null() { append("null") }
  public mutating func bool(_ b: Bool) { append(b ? "true" : "false") }
  /// An integer's decimal digits, written in place (as `String(i)` writes them).
  public mutating func int(_ i: Int) {
    var v = i.magnitude
    if i < 0 { append(UInt8(ascii: "-")) }
    if v < 10 { return append(0x30 &+ UInt8(truncatingIfNeeded: v)) }
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var n = 20
      while v > 0 {
        n -= 1
        digits[n] = 0x30 &+ UInt8(truncatingIfNeeded: v % 10)
        v /= 10
      }
      append(UnsafeBufferPointer(rebasing: digits[n...]))
    }
  }

  /// `"key": "YYYY-MM-DD"` (`CivilDate.description`), written in place.
  public mutating func field(_ k: StaticString, date d: CivilDate) {
    key(k)
    append(UInt8(ascii: "\""))
    date(d)
    append(UInt8(ascii: "\""))
  }

  /// A date's "YYYY-MM-DD" (`CivilDate.description`) without quotes, written in place.
  mutating func date(_ d: CivilDate) {
    let (y, m, day) = d.ymd
    guard (0...9999).contains(y) else { return d.description.withBytes { escapedRun($0) } }
    @inline(__always) func digit(_ v: Int) -> UInt8 { 0x30 &+ UInt8(truncatingIfNeeded: v) }
    reserve(10)
    let p = base + count
    p[0] = digit(y / 1000)
    p[1] = digit(y / 100 % 10)
    p[2] = digit(y / 10 % 10)
    p[3] = digit(y % 10)
    p[4] = UInt8(ascii: "-")
    p[5] = digit(m / 10)
    p[6] = digit(m % 10)
    p[7] = UInt8(ascii: "-")
    p[8] = digit(day / 10)
    p[9] = digit(day % 10)
    count &+= 10
  }

  /// `"key": "1200.50"`: an amount as `Fixed.formatted(places:)` writes it, in place.
  public mutating func field(_ k: StaticString, amount v: Fixed, places: Int) {
    key(k)
    append(UInt8(ascii: "\""))
    amount(v, places: places, grouping: false)
    append(UInt8(ascii: "\""))
  }

  /// `"key": "1200.50"` or `null`.
  public mutating func field(_ k: StaticString, amount v: Fixed?, places: Int) {
    guard let v else {
      key(k)
      return null()
    }
    field(k, amount: v, places: places)
  }

  /// An amount's digits as `Fixed.formatted(places:grouping:)` writes them, in place (no string, and one 128-by-64
  /// bit division): for up to 18 places and an integer part below 2^64; others are formatted.
  mutating func amount(_ v: Fixed, places: Int, grouping: Bool) {
    let raw = v.raw
    let magnitude = raw.magnitude
    let high = UInt64(truncatingIfNeeded: magnitude >> 64)
    let scale: UInt64 = 1_000_000_000_000_000_000
    guard places >= 0, places <= 18, high < scale else {
      return v.formatted(places: places, grouping: grouping).withBytes { append($0) }
    }
    let (whole, fraction) = scale.dividingFullWidth((high, UInt64(truncatingIfNeeded: magnitude)))
    var unit: UInt64 = 1
    for _ in places..<18 { unit &*= 10 }
    var shown = fraction / unit
    reserve(48)
    var p = base + count
    if raw < 0 && (whole != 0 || shown != 0) {
      p.pointee = UInt8(ascii: "-")
      p += 1
    }
    // The integer's digits, least significant first, then copied in order with a comma before each group of three.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var n = 0
      var w = whole
      repeat {
        digits[n] = 0x30 &+ UInt8(truncatingIfNeeded: w % 10)
        w /= 10
        n &+= 1
      } while w > 0
      for k in 0..<n {
        if grouping && k > 0 && (n - k) % 3 == 0 {
          p.pointee = UInt8(ascii: ",")
          p += 1
        }
        p.pointee = digits[n &- 1 &- k]
        p += 1
      }
    }
    if places > 0 {
      p.pointee = UInt8(ascii: ".")
      var j = places
      while j > 0 {
        p[j] = 0x30 &+ UInt8(truncatingIfNeeded: shown % 10)
        shown /= 10
        j -= 1
      }
      p += places + 1
    }
    count = p - base
  }

  /// `"key": "id"`, an invoice's id, from its bytes when held inline (no string made).
  public mutating func field(_ k: StaticString, idOf r: InvoiceRef) {
    key(k)
    id(of: r)
  }

  /// `"key": "number"`, an invoice's number (its id when it has none of its own).
  public mutating func field(_ k: StaticString, numberOf r: InvoiceRef) {
    key(k)
    number(of: r)
  }

  /// An invoice's id as a string literal, from its bytes when held inline (no string made).
  mutating func id(of r: InvoiceRef) {
    if r.idText.isNone { return string(r.id) }
    r.idText.withBytes { escaped($0) }
  }

  /// An invoice's number as a string literal (its id when it has none of its own).
  mutating func number(of r: InvoiceRef) {
    if r.numberIsID { return id(of: r) }
    string(r.number)
  }

  // MARK: Fixed text

  /// The indent level of the open container's members, and whether the layout is pretty (not compact): what a
  /// renderer's fixed text (`FixedText`) is made for.
  var memberDepth: Int { depth }
  var isPretty: Bool { !compact }

  /// Bytes copied as they are: fixed text a renderer made for this writer's layout (keys, separators, indents).
  mutating func raw(_ b: UnsafeBufferPointer<UInt8>) { append(b) }

  /// The `n` bytes already written from offset `start`, written again (a place's file, as its last place wrote it).
  private mutating func again(from start: Int, _ n: Int) {
    reserve(n)
    (base + count).update(from: base + start, count: n)
    count &+= n
  }
  /// A value made as a tree, written at the writer's place.
  public mutating func value(_ v: JSON) {
    var tree: [UInt8] = []
    v.write(to: &tree, pretty: !compact, indent: depth)
    tree.withUnsafeBufferPointer { append($0) }
  }

  /// `"key": "s"`, `"key": null` when `s` is nil.
  public mutating func field(_ k: StaticString, _ s: String?) {
    key(k)
    string(s)
  }

  /// `"s"`, or `null` when `s` is nil: the value alone.
  mutating func string(_ s: String?) {
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
    self.place(place)
  }

  /// `"file:line"` or `null`, the value alone.
  mutating func place(_ place: SourceRef?) {
    guard let place else { return null() }
    write(place)
  }

  /// `"key": ["file:line", ...]`. A place whose file is the string of the place before it (one storage: a
  /// reminder's invoices) copies that file's literal as written there (`"` and the path escaped), not escaped again.
  public mutating func places(_ k: StaticString, _ list: [SourceRef]) {
    key(k)
    open("[")
    var file = (start: 0, count: -1)
    for i in list.indices {
      item()
      if file.count >= 0 && JSONWriter.sameStorage(list[i].file, list[i - 1].file) {
        again(from: file.start, file.count)
        append(UInt8(ascii: ":"))
        int(list[i].line)
        append(UInt8(ascii: "\""))
      } else {
        let start = count
        write(list[i])
        file = (start, lastFileEnd - start)
      }
    }
    close("]")
  }

  /// Whether two strings are held in one storage, so their bytes are the same (`==` compares characters, not
  /// bytes). A string of more than 15 bytes is not held inline: its bytes stay where they are while it lives.
  @inline(__always) static func sameStorage(_ a: String, _ b: String) -> Bool {
    let n = a.utf8.count
    guard n > 15, n == b.utf8.count else { return false }
    guard let p = a.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil else { return false }
    let q = b.utf8.withContiguousStorageIfAvailable({ $0.baseAddress }) ?? nil
    return p == q
  }

  /// `"file:line"`: the file's path escaped, then the colon and digits (which need no escape) before its quote.
  private mutating func write(_ place: SourceRef) {
    string(place.file)
    base[count - 1] = UInt8(ascii: ":")
    lastFileEnd = count - 1
    int(place.line)
    append(UInt8(ascii: "\""))
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
