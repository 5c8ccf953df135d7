/// An interned identifier: equal words have equal symbols. Keywords have ids `Keyword.rawValue`.
public struct Symbol: Hashable, Sendable, Comparable {
  /// Index into the interner's table.
  public let raw: Int32
  /// Wraps an id.
  public init(_ raw: Int32) { self.raw = raw }
  /// The keyword's symbol.
  public init(_ k: Keyword) { self.raw = k.rawValue }
  /// The keyword this symbol spells, if any.
  public var keyword: Keyword? { raw >= 0 && Int(raw) < Keyword.byRaw.count ? Keyword.byRaw[Int(raw)] : nil }
  /// Whether this symbol spells `k`.
  @inline(__always) public func `is`(_ k: Keyword) -> Bool { raw == k.rawValue }
  /// Orders by id.
  public static func < (a: Symbol, b: Symbol) -> Bool { a.raw < b.raw }
  /// A symbol for "no name" (recovery).
  public static let missing = Symbol(-1)

  // A symbol is a small interned integer, looked up in the checker's tables for every name and field: it is
  // hashed by one multiplication, not by SipHash (nothing about ids is chosen by an adversary). Dictionaries
  // ask for `_rawHashValue(seed:)`; the seed still varies the order between tables.
  /// Hashes the id.
  public func hash(into h: inout Hasher) { h.combine(raw) }
  /// The id times an odd constant (a bijection, so ids spread over a table's buckets), mixed with the table's seed.
  public func _rawHashValue(seed: Int) -> Int { (Int(raw) &* -7_046_029_254_386_353_131) ^ seed }
}

/// Maps identifier bytes to symbols. One interner serves every file of a run, so symbols
/// compare across files. A value type passed `inout`, so its hot path has no dynamic
/// exclusivity checks.
public struct Interner: Sendable {
  private var arena: [UInt8] = []
  private var offsets: [Int32] = [0]
  private var names: [String] = []
  private var slots: [Int32]
  private var mask: Int

  /// Creates an interner with every keyword pre-interned at its fixed id.
  public init() {
    slots = [Int32](repeating: -1, count: 1024)
    mask = 1023
    for k in Keyword.allCases {
      let s = intern(k.spelling)
      assert(s.raw == k.rawValue, "keyword order")
    }
  }

  /// Number of symbols.
  public var count: Int { names.count }

  /// The text of a symbol.
  public func name(_ s: Symbol) -> String {
    s.raw >= 0 && Int(s.raw) < names.count ? names[Int(s.raw)] : "<missing>"
  }

  /// All names, indexed by symbol id (a snapshot that can travel with the program).
  public var table: [String] { names }

  /// Interns a string.
  @discardableResult
  public mutating func intern(_ s: String) -> Symbol {
    var bytes = Array(s.utf8)
    return bytes.withUnsafeMutableBufferPointer { buf in
      intern(UnsafeBufferPointer(buf), 0, buf.count)
    }
  }

  /// The hash of no bytes (FNV-1a's offset basis); `hash(_:_:)` adds a byte.
  public static let emptyHash: UInt64 = 0xcbf2_9ce4_8422_2325
  /// The hash of the bytes so far followed by `byte` (FNV-1a).
  @inline(__always) public static func hash(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x100_0000_01b3 }

  /// Interns `buf[start..<end]`. Hot: runs once per identifier token, so it works on raw pointers.
  public mutating func intern(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Symbol {
    var h = Self.emptyHash
    for i in start..<end { h = Self.hash(h, buf[i]) }
    return intern(buf, start, end, hash: h)
  }

  /// Interns `buf[start..<end]` whose `hash` the caller worked out while reading the bytes (the lexer, as it
  /// scans an identifier).
  public mutating func intern(_ buf: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, hash h: UInt64) -> Symbol {
    let base = buf.baseAddress! + start
    let len = end - start
    var free = 0
    let m = mask
    let found: Int32? = slots.withUnsafeBufferPointer { sl in
      offsets.withUnsafeBufferPointer { off in
        arena.withUnsafeBufferPointer { ar in
          var slot = Int(truncatingIfNeeded: h) & m
          while true {
            let id = sl[slot]
            if id < 0 {
              free = slot
              return nil
            }
            let s = Int(off[Int(id)])
            if Int(off[Int(id) + 1]) - s == len, Self.same(ar.baseAddress! + s, base, len) { return id }
            slot = (slot + 1) & m
          }
        }
      }
    }
    if let found { return Symbol(found) }
    let id = Int32(names.count)
    let bytes = UnsafeBufferPointer(start: base, count: len)
    arena.append(contentsOf: bytes)
    offsets.append(Int32(arena.count))
    names.append(String(decoding: bytes, as: UTF8.self))
    slots[free] = id
    if names.count * 2 > slots.count { grow() }
    return Symbol(id)
  }

  /// Whether `len` bytes at `a` and `b` are equal: eight at a time, then one at a time (identifiers are short:
  /// a call of `memcmp` cost more than the comparison).
  @inline(__always) static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ len: Int) -> Bool {
    var k = 0
    while k + 8 <= len {
      if UnsafeRawPointer(a + k).loadUnaligned(as: UInt64.self) != UnsafeRawPointer(b + k).loadUnaligned(as: UInt64.self) {
        return false
      }
      k += 8
    }
    while k < len {
      if a[k] != b[k] { return false }
      k += 1
    }
    return true
  }

  private mutating func grow() {
    let newCount = slots.count * 2
    slots = [Int32](repeating: -1, count: newCount)
    mask = newCount - 1
    for id in 0..<names.count {
      var h = Self.emptyHash
      for i in Int(offsets[id])..<Int(offsets[id + 1]) { h = Self.hash(h, arena[i]) }
      var slot = Int(truncatingIfNeeded: h) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(id)
    }
  }
}
