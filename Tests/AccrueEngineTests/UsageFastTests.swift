@testable import AccrueBilling
import AccrueCompiler
import AccrueCore
import AccrueImport
import Foundation
import Testing

/// The fast path's shortcuts against their plain definitions: ids compared as words, numbers and dates read
/// without the general parsers, byte comparison eight at a time.
@Suite("Usage fast path: shortcuts against their definitions")
struct UsageFastTests {
  /// The key of `id` read from a buffer where it is followed by `after` bytes of other data.
  static func key(_ id: [UInt8], after: Int) -> IdKey {
    let bytes = id + Array(repeating: UInt8(ascii: ","), count: after)
    return bytes.withUnsafeBufferPointer { IdKey($0.baseAddress!, id.count, end: $0.baseAddress! + $0.count) }
  }

  @Test("two ids have equal keys exactly when their first 16 bytes and their lengths are equal, wherever they end")
  func idKeys() {
    var rng = SystemRandomNumberGenerator()
    var ids: [[UInt8]] = [[]]
    for n in 1...24 {
      ids.append(Array(repeating: UInt8(ascii: "a"), count: n))
      ids.append((0..<n).map { UInt8(ascii: "0") + UInt8($0 % 10) })
      ids.append((0..<n).map { _ in UInt8.random(in: 0x21...0x7E, using: &rng) })
      ids.append((0..<n).map { $0 == n - 1 ? UInt8(ascii: "b") : UInt8(ascii: "a") })
    }
    for a in ids {
      // The word loads (16 bytes or more readable) and the byte loop (near the end) give the same key.
      let keys = (0...17).map { Self.key(a, after: $0) }
      #expect(Set(keys.map { "\($0.w0),\($0.w1),\($0.count)" }).count == 1, "\(a)")
      #expect(keys[0] == IdKey(String(decoding: a, as: UTF8.self)))
      for b in ids {
        let same = a.count == b.count && a.prefix(16) == b.prefix(16)
        #expect((Self.key(a, after: 3) == Self.key(b, after: 20)) == same)
        if same { #expect(Self.key(a, after: 0).hash == Self.key(b, after: 9).hash) }
      }
    }
  }

  @Test("the contract table finds each id with its customer, never another contract's or customer's")
  func contractTable() {
    let long = "contract-with-a-rather-long-id-"
    var ids = (0..<300).map { "ctr-\(String(format: "%06d", $0))" }
    ids += (0..<50).map { long + "\($0)" }  // the same first 16 bytes
    ids += ["", "c", "ctr-00000", "ctr-0000000", "ctr-000001x"]
    ids = Array(Set(ids)).sorted()
    let customers = ids.indices.map { $0 % 7 == 0 ? "cust-with-a-long-id-\($0 % 3)" : "cust-\($0 % 11)" }
    let table = ContractTable(ids.indices.map { (ids[$0], customers[$0], ContractInfo(index: Int32($0), first: Int32($0), count: 1)) })
    func find(_ id: String, _ customer: String) -> Int32? {
      let line = Array((id + "," + customer + ",").utf8)
      return line.withUnsafeBufferPointer { b in
        let p = b.baseAddress!
        let idCount = id.utf8.count
        let k = IdKey(p, idCount, end: p + b.count)
        let c = IdKey(p + idCount + 1, customer.utf8.count, end: p + b.count)
        return table.find(k, p, customer: c, p + idCount + 1)?.index
      }
    }
    for (i, id) in ids.enumerated() {
      #expect(find(id, customers[i]) == Int32(i))
      #expect(table.find(id)?.index == Int32(i))
      #expect(table.customerIs(table.find(id)!, customers[i]))
      let other = customers.first { $0 != customers[i] }!
      #expect(find(id, other) == nil)
      #expect(find(id + "9", customers[i]) == nil || ids.contains(id + "9"))
    }
    #expect(find(long + "999", customers[0]) == nil)
    #expect(table.find("nope") == nil)
  }

  @Test("numbers: the plain-digit shortcut and the general parser agree with Fixed.parse (no underscores)")
  func numbers() {
    let cases = [
      "0", "7", "007", "42", "33279", "123456789012345678", "999999999999999999", "1234567890123456789",
      "99999999999999999999999", "1.5", "2.50", "-3", "+7", "1_000", "12x", "x", ".", "-", "1e3", " 1", "0.000000000000000001",
    ]
    for c in cases {
      let bytes = Array(c.utf8)
      let got = bytes.withUnsafeBufferPointer { FastFields.number($0) }
      let want: Fixed? = c.contains("_") ? nil : bytes.withUnsafeBufferPointer { Fixed.parse($0) }
      #expect(got == want, "\(c)")
    }
  }

  @Test("dates: remembering the last one read gives CivilDate.parse's answer, valid or not")
  func dates() {
    var f = FastFields()
    let cases = [
      "2026-10-01", "2026-10-01", "2026-10-02", "2026-02-30", "2026-02-30", "2026-10-02", "2026-1-05", "2026-13-01",
      "2024-02-29", "2025-02-29", "2026-10-0x", "2026-10-01", "2026/10/01", "2026-10-01",
    ]
    for c in cases {
      let bytes = Array(c.utf8)
      let got = bytes.withUnsafeBufferPointer { f.date($0) }
      let want = bytes.withUnsafeBufferPointer { CivilDate.parse(bytes: $0) }
      #expect(got == want, "\(c)")
    }
  }

  @Test("bytes compared eight at a time: equal exactly when ==")
  func equalBytes() {
    for n in 0...40 {
      let a = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37) }
      for k in -1..<n {
        var b = a
        if k >= 0 { b[k] ^= 1 }
        let same = a.withUnsafeBufferPointer { p in b.withUnsafeBufferPointer { q in FastFields.equal(p.baseAddress ?? UnsafePointer(bitPattern: 8)!, q.baseAddress ?? UnsafePointer(bitPattern: 8)!, n) } }
        #expect(same == (a == b))
      }
    }
  }
}

/// The fast path's typed line values against the `Value`s the general reader's rows hold.
@Suite("Usage fast path: typed line values and quote-free scans against their definitions")
struct UsageLineTests {
  /// Every filter of the fast path over slots gives `FastMetric.passes`'s answer on the same row, and `value`
  /// its value: numbers, dates and texts, missing values with their defaults, columns of another type.
  @Test("LineMetric agrees with FastMetric on every kind of column, constant and missing value")
  func lineMetric() {
    // Schema columns: 0 number, 1 date, 2 text, 3 currency, 4 number (absent values only).
    let types: [FieldType] = [.number, .date, .text, .currency, .number]
    let d = { (s: String) in CivilDate.parse(s)! }
    let numbers: [Value] = [.missing, .number(Fixed(0)), .number(Fixed(499)), .number(Fixed(500)), .number(Fixed("500.5")!), .number(Fixed(-3))]
    let dates: [Value] = [.missing, .date(d("2026-10-01")), .date(d("2026-10-31")), .date(d("2025-01-01"))]
    let texts: [Value] = [.missing, .text(""), .text("eu"), .text("us"), .text("eu-west")]
    let currencies: [Value] = [.missing, .currency(Currency.lookup("EUR")!)]
    let constants: [Value] = [.number(Fixed(500)), .number(Fixed(0)), .date(d("2026-10-31")), .text("eu"), .text("")]
    let defaults: [Value] = [.number(Fixed(1)), .number(.zero), .date(d("2026-10-31")), .text(""), .text("eu")]
    let ops: [FieldMetricForm.Comparison] = [.equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual]
    let slotOf = [0, 1, 2, 3, 4]
    let nums = UnsafeMutablePointer<Fixed>.allocate(capacity: 5)
    nums.initialize(repeating: .zero, count: 5)
    let strs = UnsafeMutablePointer<String>.allocate(capacity: 5)
    strs.initialize(repeating: "", count: 5)
    defer {
      nums.deallocate()
      strs.deinitialize(count: 5)
      strs.deallocate()
    }
    var checked = 0
    for n in numbers {
      for dt in dates {
        for t in texts {
          for c in currencies {
            let row: [Value] = [n, dt, t, c, .missing]
            var v = LineValues(present: 0, nums: nums, texts: strs)
            for (k, x) in row.enumerated() {
              switch x {
              case .missing: continue
              case .number(let f): nums[k] = f
              case .date(let day): nums[k] = Fixed(Int(day.dayNumber))
              case .text(let s): strs[k] = s
              default: break
              }
              v.present |= 1 << UInt64(k)
            }
            for column in 0..<5 {
              for constant in constants {
                for op in ops {
                  for missing in defaults {
                    let fm = FastMetric(
                      predicates: [.init(column: column, op: op, constant: constant, missing: missing)], valueColumn: column,
                      valueMissing: missing)
                    let lm = LineMetric(fm, slotOf: slotOf, types: types)
                    #expect(lm.passes(v) == fm.passes(row), "\(row) column \(column) \(op) \(constant), missing \(missing)")
                    #expect(lm.value(v) == fm.value(row), "\(row) column \(column), missing \(missing)")
                    checked += 1
                  }
                }
              }
            }
            let count = FastMetric(predicates: [], valueColumn: nil, valueMissing: .number(Fixed(1)))
            #expect(LineMetric(count, slotOf: slotOf, types: types).value(v) == Fixed(1))
          }
        }
      }
    }
    #expect(checked > 100_000)
  }

  /// `PlainLine.scanQuoteFree` gives `scan`'s answer on lines without quotes, whatever their bytes and ends.
  @Test("scanQuoteFree agrees with scan on quote-free lines")
  func quoteFreeScan() {
    var rng = SystemRandomNumberGenerator()
    let alphabet: [UInt8] = Array("abc,,,0123456789-.".utf8) + [9, 13, 10, 0x7F, 0xC3, 0xA9, 0x20, 0x1F]
    for _ in 0..<20_000 {
      let n = Int.random(in: 0...90, using: &rng)
      let bytes = (0..<n).map { _ in
        Bool.random(using: &rng) ? UInt8(ascii: "a") + UInt8.random(in: 0..<26, using: &rng) : alphabet.randomElement(using: &rng)!
      }
      let fieldCount = Int.random(in: 1...9, using: &rng)
      let start = n == 0 ? 0 : Int.random(in: 0..<n, using: &rng)
      bytes.withUnsafeBufferPointer { b in
        let p = b.baseAddress ?? UnsafePointer(bitPattern: 8)!
        var s1 = Array(repeating: -1, count: fieldCount + 1)
        var s2 = s1
        let r1 = PlainLine.scan(p, from: start, end: n, fieldCount: fieldCount, &s1)
        let r2 = s2.withUnsafeMutableBufferPointer { PlainLine.scanQuoteFree(p, from: start, end: n, fieldCount: fieldCount, $0.baseAddress!) }
        #expect(r1 == r2, "\(bytes) from \(start)")
        if r1.plain { #expect(s1 == s2) }
      }
    }
  }
}
