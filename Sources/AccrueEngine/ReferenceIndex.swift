import AccrueCompiler
import AccrueCore
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
    fill(text, &b)
    var out: [String] = []
    for k in b.keys where !out.contains(where: { $0.utf8.elementsEqual(k) }) { out.append(String(decoding: k, as: UTF8.self)) }
    return out
  }

  /// The key bytes of one text (reused between texts: no allocation per invoice).
  struct Buffers {
    var compact: [UInt8] = []
    var digits: [UInt8] = []
    var groups: [UInt8] = []
    var hasDigits = false
    var keys: [ArraySlice<UInt8>] {
      var k: [ArraySlice<UInt8>] = []
      if !compact.isEmpty { k.append(compact[...]) }
      if hasDigits { k += [digits[...], groups[...]] }
      return k
    }
    /// Each key's hash (as `InvoiceIDIndex.hash` of its text), without repeats.
    func hashes(into out: inout [UInt64]) {
      out.removeAll(keepingCapacity: true)
      func add(_ bytes: [UInt8]) {
        let h = InvoiceIDIndex.hash(bytes)
        if !out.contains(h) { out.append(h) }
      }
      if !compact.isEmpty { add(compact) }
      if hasDigits {
        add(digits)
        add(groups)
      }
    }
  }

  /// Whether `key` is one of the text's keys: `keys(text).contains(key)`, worked out in one pass over the text
  /// that compares as it goes, without building the keys.
  static func isKey(_ key: UnsafeBufferPointer<UInt8>, of text: String) -> Bool {
    text.withBytes { bytes in
      let n = key.count
      // Each key's place in `key` so far, or -1 once it differs.
      var (compact, digits, groups) = (0, 0, 0)
      @inline(__always) func put(_ at: inout Int, _ c: UInt8) {
        if at >= 0 { at = at < n && key[at] == c ? at + 1 : -1 }
      }
      var digitsEmpty = true
      var groupCount = 0
      var inDigits = false
      var leading = true
      for c in bytes {
        switch c {
        case 0x30...0x39:
          put(&compact, c)
          if !(c == 0x30 && digitsEmpty) {
            put(&digits, c)
            digitsEmpty = false
          }
          if !inDigits {
            if groupCount > 0 { put(&groups, 0x2D) }
            groupCount += 1
            inDigits = true
            leading = true
          }
          if !(c == 0x30 && leading) {
            put(&groups, c)
            leading = false
          }
          continue
        case 0x41...0x5A: put(&compact, c)
        case 0x61...0x7A: put(&compact, c - 0x20)
        default: break
        }
        if inDigits, leading { put(&groups, 0x30) }
        inDigits = false
      }
      if inDigits, leading { put(&groups, 0x30) }
      if compact == n { return true }
      guard groupCount > 0 else { return false }
      if digitsEmpty { put(&digits, 0x30) }
      return digits == n || groups == n
    }
  }

  static func fill(_ text: String, _ b: inout Buffers) {
    b.compact.removeAll(keepingCapacity: true)
    b.digits.removeAll(keepingCapacity: true)
    b.groups.removeAll(keepingCapacity: true)
    var groupCount = 0
    text.withBytes { bytes in
      // (State in locals of this closure, not captured by a nested function: captured variables are boxed
      // and every access to them checked.)
      var inDigits = false
      var leading = true
      for c in bytes {
        switch c {
        case 0x30...0x39:
          b.compact.append(c)
          if !(c == 0x30 && b.digits.isEmpty) { b.digits.append(c) }
          if !inDigits {
            if groupCount > 0 { b.groups.append(0x2D) }
            groupCount += 1
            inDigits = true
            leading = true
          }
          if !(c == 0x30 && leading) {
            b.groups.append(c)
            leading = false
          }
          continue
        case 0x41...0x5A: b.compact.append(c)
        case 0x61...0x7A: b.compact.append(c - 0x20)
        default: break
        }
        // Any other character ends a group of digits; a group of zeros stays "0".
        if inDigits, leading { b.groups.append(0x30) }
        inDigits = false
      }
      if inDigits, leading { b.groups.append(0x30) }
    }
    b.hasDigits = groupCount > 0
    if b.hasDigits && b.digits.isEmpty { b.digits.append(0x30) }
  }
}

/// Invoices by every key of their number, id and structured reference (`ReferenceKeys`): an open-addressing
/// table of distinct key hashes, each with its first invoice, and the further invoices of a key many share (an
/// instalment number, a purchase order) in a list of their own, so a shared key is one entry, not a long probe. A
/// hit is confirmed by working out the invoice's keys again.
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
    var b = ReferenceKeys.Buffers()
    var hs: [UInt64] = []
    var all: [UInt64] = []
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
      all.removeAll(keepingCapacity: true)
      // Fields read one by one (copying an invoice would retain its strings); the id only when not the number.
      for field in 0..<3 {
        // The id only when it is not the number (its keys are the number's).
        if field == 1 && invoices[i].id == invoices[i].number { continue }
        let text = ReferenceIndex.text(invoices, i, field)
        if text.isEmpty { continue }
        ReferenceKeys.fill(text, &b)
        b.hashes(into: &hs)
        for h in hs where !all.contains(h) { all.append(h) }
      }
      for h in all { pending.append((ReferenceIndex.tag(h), Int32(i))) }
      if pending.count >= 256 { place() }
    }
    place()
    self.touched = touched
  }

  /// A table being built, on a second thread for many invoices, when the plan's match rules need one (patterns,
  /// or payers found by reference).
  final class Building: @unchecked Sendable {
    private var index: ReferenceIndex?
    private let done = DispatchSemaphore(value: 0)
    private let threaded: Bool

    init(plan: ExecutablePlan, invoices: [OpenInvoice]) {
      let needed = plan.matchRules.contains { !$0.patterns.isEmpty || $0.payer.contains(.reference) }
      threaded = needed && invoices.count >= Matcher.parallelAt
      if threaded {
        let t = Thread {
          self.index = ReferenceIndex(invoices)
          self.done.signal()
        }
        t.stackSize = 8 << 20
        t.start()
      } else if needed {
        index = ReferenceIndex(invoices)
      }
    }

    /// The table (waits for the thread building it); nil when the rules need none.
    var value: ReferenceIndex? {
      if threaded { done.wait(); done.signal() }
      return index
    }
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
  /// by working out that invoice's keys again (as bytes, into reused buffers).
  func find(_ keys: [String], in invoices: [OpenInvoice]) -> [Int32] {
    var out: [Int32] = []
    for k in keys {
      let tag = ReferenceIndex.tag(InvoiceIDIndex.hash(k))
      var s = Int(tag) & mask
      while table[s] != 0 {
        if table[s] >> 32 == tag {
          let first = Int32(truncatingIfNeeded: table[s] & 0xFFFF_FFFF)
          k.withBytes { key in
            if ReferenceIndex.has(invoices, Int(first), key) { out.append(first) }
            for i in more[s] ?? [] where ReferenceIndex.has(invoices, Int(i), key) { out.append(i) }
          }
          break  // all keys with this tag are under this slot
        }
        s = (s + 1) & mask
      }
    }
    // An invoice found by two keys comes once.
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
    // Fields read one by one (a copy of the invoice would retain its strings).
    for field in 0..<3 {
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

  static let legalForms: Set<String> = [
    "INC", "LLC", "LTD", "LIMITED", "GMBH", "AG", "KG", "BV", "NV", "SA", "SAS", "SARL", "SRL", "SPA", "PLC", "CORP", "CORPORATION",
    "CO", "COMPANY", "AB", "AS", "OY", "LLP", "PTY", "SE",
  ]

  /// The words of a name: upper-case letters and digits.
  static func words(_ name: String) -> [String] {
    guard name.utf8.allSatisfy({ $0 < 0x80 }) else { return name.uppercased().split { !($0.isLetter || $0.isNumber) }.map(String.init) }
    var out: [String] = []
    var word: [UInt8] = []
    for c in name.utf8 {
      switch c {
      case 0x30...0x39, 0x41...0x5A: word.append(c)
      case 0x61...0x7A: word.append(c - 0x20)
      default:
        if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)) }
        word.removeAll(keepingCapacity: true)
      }
    }
    if !word.isEmpty { out.append(String(decoding: word, as: UTF8.self)) }
    return out
  }

  /// The words joined by single spaces, and the same without trailing legal forms (`normalized`). ASCII names
  /// are done byte by byte, without a string per word.
  static func forms(_ name: String) -> (full: String, normalized: String) {
    let fast: (String, String)? = name.withBytes { b in
      var out: [UInt8] = []
      out.reserveCapacity(b.count)
      for c in b {
        switch c {
        case 0x30...0x39, 0x41...0x5A: out.append(c)
        case 0x61...0x7A: out.append(c - 0x20)
        case 0x80...: return nil
        default: if let last = out.last, last != 0x20 { out.append(0x20) }
        }
      }
      if out.last == 0x20 { out.removeLast() }
      let full = String(decoding: out, as: UTF8.self)
      // Trailing legal forms dropped while more than one word is left.
      var end = out.count
      while let space = out[..<end].lastIndex(of: 0x20) {
        let word = out[(space + 1)..<end]
        guard word.count <= 11, legalForms.contains(String(decoding: word, as: UTF8.self)) else { break }
        end = space
      }
      return (full, end == out.count ? full : String(decoding: out[..<end], as: UTF8.self))
    }
    if let fast { return fast }
    var w = words(name)
    let full = w.joined(separator: " ")
    while w.count > 1, let last = w.last, legalForms.contains(last) { w.removeLast() }
    return (full, w.joined(separator: " "))
  }

  static func normalized(_ name: String) -> String { forms(name).normalized }

  init(_ customers: [CustomerData]) {
    var full: [String: Int32] = [:]
    exact.reserveCapacity(customers.count)
    full.reserveCapacity(customers.count)
    for i in customers.indices where !customers[i].name.isEmpty {
      let (f, n) = PayerNames.forms(customers[i].name)
      if n.isEmpty { continue }
      exact[n] = exact[n] == nil ? Int32(i) : -1
      full[f] = full[f] == nil ? Int32(i) : -1
    }
    sorted = full.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
  }

  /// The customer the name identifies, or nil (unknown or shared).
  func find(_ name: String) -> Int32? {
    let (f, n) = PayerNames.forms(name)
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
