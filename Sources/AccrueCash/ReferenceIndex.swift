import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel
import Foundation

/// The ways one invoice reference is written, as compared: people retype invoice numbers with or without
/// separators and leading zeros, and banks wrap text inside them.
///
/// For a text such as `INV-2026-000123` the keys are:
/// - `compact`: its letters and digits, upper case (`INV2026000123`);
/// - `digits`: its digits alone, leading zeros dropped (`2026000123`);
/// - `groups`: each run of digits without its leading zeros, joined by `-` (`2026-123`).
/// Two references are the same when any of their keys are equal (digit keys only when they have digits).
public enum ReferenceKeys {
  public static func keys(_ text: String) -> [String] {
    var b = Buffers()
    let has = text.withBytes { walk($0, &b) }
    var keys: [[UInt8]] = has.compact ? [b.compact] : []
    if has.digits { keys += [b.digits, b.groups] }
    var out: [String] = []
    for k in keys where !out.contains(where: { $0.utf8.elementsEqual(k) }) { out.append(String(decoding: k, as: UTF8.self)) }
    return out
  }

  /// The first of `keys(text)`, its compact key (letters and digits, upper case), or nil when it has none: the
  /// only key customers' ids and written references are compared by, made without the other two (a text
  /// with digit keys has a compact key too, so the compact key is always the first).
  public static func firstKey(_ text: String) -> String? {
    text.withBytes { b -> String? in
      var n = 0
      for c in b where (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c) { n += 1 }
      guard n > 0 else { return nil }
      return String(unsafeUninitializedCapacity: n) { out in
        var k = 0
        for c in b {
          switch c {
          case 0x30...0x39, 0x41...0x5A:
            out[k] = c
            k += 1
          case 0x61...0x7A:
            out[k] = c - 0x20
            k += 1
          default: break
          }
        }
        return k
      }
    }
  }

  /// The hashes of the text's keys (`InvoiceIDIndex.hash` of each of `keys(text)`), without repeats, in key
  /// order, worked out in one pass without building the keys.
  static func hashes(_ text: String) -> KeyHashes {
    text.withBytes { hashes($0) }
  }

  /// `hashes` of a text given by its bytes.
  static func hashes(_ text: UnsafeBufferPointer<UInt8>) -> KeyHashes {
    var h = Hashes()
    let has = walk(text, &h)
    var out = KeyHashes()
    // As `InvoiceIDIndex.hash`: never 0.
    if has.compact { out.add(h.compact | 1) }
    if has.digits {
      out.add(h.digits | 1)
      out.add(h.groups | 1)
    }
    return out
  }

  /// A text's distinct key hashes (at most three: a text has three keys), in key order, held in place (an array
  /// emptied and filled for each of a million texts cost more than the hashes).
  struct KeyHashes {
    private(set) var count = 0
    private var values: (UInt64, UInt64, UInt64) = (0, 0, 0)

    subscript(_ k: Int) -> UInt64 { k == 0 ? values.0 : k == 1 ? values.1 : values.2 }

    /// Adds `h` unless it is there already.
    mutating func add(_ h: UInt64) {
      for k in 0..<count where self[k] == h { return }
      switch count {
      case 0: values.0 = h
      case 1: values.1 = h
      default: values.2 = h
      }
      count += 1
    }

    var all: [UInt64] { (0..<count).map { self[$0] } }
  }

  /// Whether `key` is one of the text's keys (`keys(text).contains(key)`), compared as the keys are worked out,
  /// without building them.
  static func isKey(_ key: UnsafeBufferPointer<UInt8>, of text: String) -> Bool {
    text.withBytes { isKey(key, of: $0) }
  }

  /// `isKey` for a text given by its bytes.
  static func isKey(_ key: UnsafeBufferPointer<UInt8>, of text: UnsafeBufferPointer<UInt8>) -> Bool {
    var c = Comparison(key: key)
    let has = walk(text, &c)
    return (has.compact && c.compact == key.count) || (has.digits && (c.digits == key.count || c.groups == key.count))
  }

  /// Works out a text's three keys a byte at a time, handing each byte to `k`; whether the text has a compact
  /// key (letters or digits) and digit keys (digits).
  @inline(__always) static func walk<K: KeyBytes>(_ bytes: UnsafeBufferPointer<UInt8>, _ k: inout K) -> (compact: Bool, digits: Bool) {
    var compactEmpty = true
    var digitsEmpty = true
    var groupCount = 0
    var inDigits = false
    var leading = true
    for c in bytes {
      switch c {
      case 0x30...0x39:
        k.compact(c)
        compactEmpty = false
        if !(c == 0x30 && digitsEmpty) {
          k.digits(c)
          digitsEmpty = false
        }
        if !inDigits {
          if groupCount > 0 { k.groups(0x2D) }
          groupCount += 1
          inDigits = true
          leading = true
        }
        if !(c == 0x30 && leading) {
          k.groups(c)
          leading = false
        }
        continue
      case 0x41...0x5A:
        k.compact(c)
        compactEmpty = false
      case 0x61...0x7A:
        k.compact(c - 0x20)
        compactEmpty = false
      default: break
      }
      // Any other character ends a group of digits; a group of zeros stays "0".
      if inDigits, leading { k.groups(0x30) }
      inDigits = false
    }
    if inDigits, leading { k.groups(0x30) }
    // Digits that are all zeros: "0".
    if groupCount > 0 && digitsEmpty { k.digits(0x30) }
    return (!compactEmpty, groupCount > 0)
  }

  /// The key bytes of one text (reused from text to text: `clear` keeps their memory).
  struct Buffers: KeyBytes {
    var compact: [UInt8] = []
    var digits: [UInt8] = []
    var groups: [UInt8] = []
    mutating func clear() {
      compact.removeAll(keepingCapacity: true)
      digits.removeAll(keepingCapacity: true)
      groups.removeAll(keepingCapacity: true)
    }
    mutating func compact(_ c: UInt8) { compact.append(c) }
    mutating func digits(_ c: UInt8) { digits.append(c) }
    mutating func groups(_ c: UInt8) { groups.append(c) }
  }

  /// Each key's FNV-1a hash so far.
  struct Hashes: KeyBytes {
    var compact: UInt64 = 0xcbf2_9ce4_8422_2325
    var digits: UInt64 = 0xcbf2_9ce4_8422_2325
    var groups: UInt64 = 0xcbf2_9ce4_8422_2325
    @inline(__always) static func add(_ h: inout UInt64, _ c: UInt8) { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
    mutating func compact(_ c: UInt8) { Hashes.add(&compact, c) }
    mutating func digits(_ c: UInt8) { Hashes.add(&digits, c) }
    mutating func groups(_ c: UInt8) { Hashes.add(&groups, c) }
  }

  /// Each key compared with `key` so far: how many bytes match, or -1 once one differs.
  struct Comparison: KeyBytes {
    let key: UnsafeBufferPointer<UInt8>
    var compact = 0
    var digits = 0
    var groups = 0
    init(key: UnsafeBufferPointer<UInt8>) { self.key = key }
    @inline(__always) func next(_ at: Int, _ c: UInt8) -> Int { at >= 0 && at < key.count && key[at] == c ? at + 1 : -1 }
    mutating func compact(_ c: UInt8) { compact = next(compact, c) }
    mutating func digits(_ c: UInt8) { digits = next(digits, c) }
    mutating func groups(_ c: UInt8) { groups = next(groups, c) }
  }
}

/// Takes the bytes of a text's keys as `ReferenceKeys.walk` works them out.
protocol KeyBytes {
  mutating func compact(_ c: UInt8)
  mutating func digits(_ c: UInt8)
  mutating func groups(_ c: UInt8)
}

/// Invoices by every key of their number, id and structured reference (`ReferenceKeys`): an open-addressing
/// table of distinct key hashes, each with its first invoice, and the further invoices of a key many share (an
/// instalment number, a purchase order) in a list of their own, so a shared key is one entry, not a long probe. A
/// hit is confirmed by comparing the key with the invoice's texts as their keys are worked out (`isKey`).
///
/// A slot is one word: the upper half of the key's hash (never 0: 0 marks an empty slot) and the invoice's
/// index, so a probe reads one word (the table is large: a cache miss a probe is what it costs).
struct ReferenceIndex {
  private var table: [UInt64]
  /// Further invoices by table slot (keys that more than one invoice has).
  private var more: [Int: [Int32]] = [:]
  private var mask: Int
  /// A sum of the slots read ahead while building (kept only so those reads happen).
  private(set) var touched: UInt64 = 0

  /// The 32 bits of a key's hash a slot keeps (never 0); they also give the key's home slot, so the table can
  /// grow without the full hash.
  @inline(__always) static func tag(_ h: UInt64) -> UInt64 {
    let t = h >> 32
    return t == 0 ? 1 : t
  }

  init(_ invoices: [OpenInvoice]) {
    // Sized for 6 distinct keys an invoice (number and reference, 3 each) at most three quarters full; grown if
    // more come.
    var size = 1024
    while size < invoices.count * 8 { size <<= 1 }
    table = Array(repeating: 0, count: size)
    mask = size - 1
    var count = 0
    // An invoice's distinct key hashes (its three texts' keys, three each at most), in memory reused from invoice
    // to invoice (an array emptied and filled again cost as much as the hashes).
    let all = UnsafeMutablePointer<UInt64>.allocate(capacity: 9)
    defer { all.deallocate() }
    // Keys are placed in batches: the home slots of a batch's keys are read first, all together, so their cache
    // misses overlap; then the keys are placed in order (the same table as one at a time).
    var pending: [(tag: UInt64, invoice: Int32)] = []
    pending.reserveCapacity(320)
    var touched: UInt64 = 0
    func place() {
      for (tag, _) in pending { touched &+= table[Int(tag) & mask] }
      for (tag, i) in pending {
        if (count + 1) * 4 > table.count * 3 { grow() }
        var s = Int(tag) & mask
        while table[s] != 0 && table[s] >> 32 != tag { s = (s + 1) & mask }
        if table[s] == 0 {
          table[s] = tag << 32 | UInt64(UInt32(i))
          count += 1
        } else {
          more[s, default: []].append(i)
        }
      }
      pending.removeAll(keepingCapacity: true)
    }
    for i in invoices.indices {
      var n = 0
      // Fields read one by one (copying an invoice would retain its strings); the id only when not the number.
      for field in 0..<3 {
        // The id only when it is not the number (its keys are the number's); an id held inline is read there.
        if field == 1 && invoices[i].numberIsID { continue }
        let hs: ReferenceKeys.KeyHashes
        if field == 0 && invoices[i].numberIsID && !invoices[i].idText.isNone {
          hs = invoices[i].idText.withBytes { ReferenceKeys.hashes($0) }
        } else {
          let text = ReferenceIndex.text(invoices, i, field)
          if text.isEmpty { continue }
          hs = ReferenceKeys.hashes(text)
        }
        for k in 0..<hs.count where !UnsafeBufferPointer(start: all, count: n).contains(hs[k]) {
          all[n] = hs[k]
          n += 1
        }
      }
      for k in 0..<n { pending.append((ReferenceIndex.tag(all[k]), Int32(i))) }
      if pending.count >= 256 { place() }
    }
    place()
    self.touched = touched
  }

  /// Doubles the table (keys placed again from their tags; the lists of further invoices move with their key).
  private mutating func grow() {
    let (old, oldMore) = (table, more)
    table = Array(repeating: 0, count: old.count * 2)
    more = [:]
    mask = table.count - 1
    for (k, word) in old.enumerated() where word != 0 {
      var s = Int(word >> 32) & mask
      while table[s] != 0 { s = (s + 1) & mask }
      table[s] = word
      if let list = oldMore[k] { more[s] = list }
    }
  }

  /// The invoices one of whose keys equals one of `keys`, in index order, without repeats. A hit is confirmed
  /// by comparing the key with that invoice's texts in one pass each (`ReferenceKeys.isKey`).
  func find(_ keys: [String], in invoices: [OpenInvoice]) -> [Int32] {
    var out: [Int32] = []
    for k in keys { k.withBytes { look($0, in: invoices, &out) } }
    return ReferenceIndex.unique(&out)
  }

  /// The invoices one of whose keys equals one of the keys of `text` (`find(ReferenceKeys.keys(text))`), its
  /// keys worked out into `buffers` (no string a key).
  func find(keysOf text: String, _ buffers: inout ReferenceKeys.Buffers, in invoices: [OpenInvoice]) -> [Int32] {
    buffers.clear()
    let has = text.withBytes { ReferenceKeys.walk($0, &buffers) }
    var out: [Int32] = []
    // The keys in `ReferenceKeys.keys` order, each once.
    if has.compact { buffers.compact.withUnsafeBufferPointer { look($0, in: invoices, &out) } }
    if has.digits {
      if !has.compact || buffers.digits != buffers.compact { buffers.digits.withUnsafeBufferPointer { look($0, in: invoices, &out) } }
      if !(has.compact && buffers.groups == buffers.compact) && buffers.groups != buffers.digits {
        buffers.groups.withUnsafeBufferPointer { look($0, in: invoices, &out) }
      }
    }
    return ReferenceIndex.unique(&out)
  }

  /// Appends the invoices one of whose keys is `key` (ASCII, as keys are).
  private func look(_ key: UnsafeBufferPointer<UInt8>, in invoices: [OpenInvoice], _ out: inout [Int32]) {
    let tag = ReferenceIndex.tag(InvoiceIDIndex.hash(key))
    var s = Int(tag) & mask
    while table[s] != 0 {
      if table[s] >> 32 == tag {
        let first = Int32(truncatingIfNeeded: table[s] & 0xFFFF_FFFF)
        if ReferenceIndex.has(invoices, Int(first), key) { out.append(first) }
        for i in more[s] ?? [] where ReferenceIndex.has(invoices, Int(i), key) { out.append(i) }
        return  // all keys with this tag are under this slot
      }
      s = (s + 1) & mask
    }
  }

  /// The invoices found, in index order, each once (an invoice found by two keys comes once).
  private static func unique(_ out: inout [Int32]) -> [Int32] {
    if out.count <= 1 { return out }
    out.sort()
    var unique: [Int32] = []
    unique.reserveCapacity(out.count)
    for i in out where unique.last != i { unique.append(i) }
    return unique
  }

  /// An invoice's texts that carry references: 0 its number, 1 its id, 2 its structured reference (read in
  /// place: copying the invoice would retain all its strings).
  @inline(__always) static func text(_ invoices: [OpenInvoice], _ i: Int, _ field: Int) -> String {
    field == 0 ? invoices[i].number : field == 1 ? invoices[i].id : invoices[i].reference
  }

  /// Whether one of the invoice's keys is `key`.
  static func has(_ invoices: [OpenInvoice], _ i: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
    // Fields read one by one (a copy of the invoice would retain its strings); an id held inline is read there
    // (its string would be a cache miss), and a number that is the id is not compared twice.
    let idText = invoices[i].idText
    for field in 0..<3 {
      if field == 0 && invoices[i].numberIsID { continue }
      if field == 1 && !idText.isNone {
        if idText.count > 0, idText.withBytes({ ReferenceKeys.isKey(key, of: $0) }) { return true }
        continue
      }
      let text = ReferenceIndex.text(invoices, i, field)
      if !text.isEmpty, ReferenceKeys.isKey(key, of: text) { return true }
    }
    return false
  }
}

/// Customers by payer name as banks show it: upper case, letters and digits, legal forms dropped
/// ("Acme GmbH" = "ACME"); a name cut short by the bank (at least 12 characters) finds the one customer it
/// begins. Names shared by two customers identify neither.
struct PayerNames {
  private var exact: [String: Int32] = [:]
  private var sorted: [(String, Int32)] = []

  init(_ customers: [CustomerData]) {
    var full: [String: Int32] = [:]
    exact.reserveCapacity(customers.count)
    full.reserveCapacity(customers.count)
    for i in customers.indices where !customers[i].name.isEmpty {
      let (f, n) = PayerName.forms(customers[i].name)
      if n.isEmpty { continue }
      // One lookup a name (a second only for a name two customers share: it then identifies neither).
      if exact.updateValue(Int32(i), forKey: n) != nil { exact[n] = -1 }
      if full.updateValue(Int32(i), forKey: f) != nil { full[f] = -1 }
    }
    let entries = full.map { ($0.key, $0.value) }
    if entries.allSatisfy({ $0.0.isASCII }) {
      // By integer keys (as the strings compare, see `asciiPrefixKey`), the strings compared only on equal keys.
      let keys = entries.map(\.0.asciiPrefixKey)
      sorted = entries.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : entries[a].0 < entries[b].0 }.map { entries[$0] }
    } else {
      sorted = entries.sorted { $0.0 < $1.0 }
    }
  }

  /// The customer the name identifies, or nil (unknown or shared).
  func find(_ name: String) -> Int32? {
    let (f, n) = PayerName.forms(name)
    if n.isEmpty { return nil }
    if let c = exact[n] { return c >= 0 ? c : nil }
    guard f.count >= 12 else { return nil }
    // Names beginning with f: a contiguous range of the sorted names.
    var lo = 0
    var hi = sorted.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if sorted[mid].0 < f { lo = mid + 1 } else { hi = mid }
    }
    var found: Int32?
    var k = lo
    while k < sorted.count, sorted[k].0.hasPrefix(f) {
      if found != nil || sorted[k].1 < 0 { return nil }
      found = sorted[k].1
      k += 1
    }
    return found
  }
}

/// The reference table (when the plan's match rules need one: patterns, or payers found by reference) and
/// the payer names, for many invoices built on a thread each while the matcher's other tables are made.
final class MatchTables: @unchecked Sendable {
  private var index: ReferenceIndex?
  private var payerNames: PayerNames?
  private var keys: [String: Int32] = [:]
  private let done = DispatchSemaphore(value: 0)
  private let threaded: Bool

  init(plan: ExecutablePlan, invoices: [OpenInvoice], customers: [CustomerData]) {
    let needed = plan.matchRules.contains { !$0.patterns.isEmpty || $0.payer.contains(.reference) }
    // Customers by the key of their id, for rules whose references may name a customer (`Matcher.customerRefs`).
    let namesCustomers = plan.matchRules.contains { !$0.patterns.isEmpty && !$0.allocation.isEmpty }
    threaded = invoices.count >= Matcher.parallelAt
    if threaded {
      // A thread each (the system shares the two cores between them and the matcher's own work).
      let jobs: [@Sendable () -> Void] = [
        { if needed { self.index = ReferenceIndex(invoices) } },
        {
          self.payerNames = PayerNames(customers)
          if namesCustomers { self.keys = Matcher.customerKeys(customers) }
        },
      ]
      for job in jobs {
        let t = Thread {
          job()
          self.done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
      }
    } else {
      if needed { index = ReferenceIndex(invoices) }
      payerNames = PayerNames(customers)
      if namesCustomers { keys = Matcher.customerKeys(customers) }
    }
  }

  /// Waits for the threads building them (once).
  private func wait() {
    lock.lock()
    defer { lock.unlock() }
    if threaded && !finished {
      done.wait()
      done.wait()
      finished = true
    }
  }
  private let lock = NSLock()
  private var finished = false

  /// The reference table; nil when the rules need none.
  var references: ReferenceIndex? {
    wait()
    return index
  }

  var names: PayerNames {
    wait()
    return payerNames ?? PayerNames([])
  }

  /// Customers by the key of their id (empty when no rule's references may name one).
  var customerKeys: [String: Int32] {
    wait()
    return keys
  }
}
