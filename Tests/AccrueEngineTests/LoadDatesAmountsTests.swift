import AccrueCore
import AccrueData
import AccrueImport
import Testing

/// The twenty-fifth pass's shortcuts in loading, each against its plain definition.
@Suite("Load: dates remembered, decimals written")
struct LoadDatesAmountsTests {
  /// Ten-byte texts: every day of 1999-2031, then near misses (impossible days, bad separators and digits).
  static func texts() -> [[UInt8]] {
    var all: [[UInt8]] = []
    var d = CivilDate(year: 1999, month: 1, day: 1)!
    let end = CivilDate(year: 2031, month: 12, day: 31)!
    while d <= end {
      all.append(Array(d.description.utf8))
      d = CivilDate(dayNumber: d.dayNumber + 1)
    }
    for t in [
      "2026-02-29", "2024-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00", "2026/01/01", "2026-1-01",
      "20260101xx", "2026-01-0a", "0000-01-01", "9999-12-31", "2026-01-01 ", " 2026-01-0", "2026-01-011", "",
    ] {
      all.append(Array(t.utf8))
    }
    return all
  }

  @Test("a date read through the cache is CivilDate.parse's, first time or again, whatever came between")
  func datesAsParsed() {
    var cache = DateCache()
    let texts = Self.texts()
    var rng = SystemRandomNumberGenerator()
    // In order, then again in random order (slots shared by several dates are taken over and given back).
    for round in 0..<3 {
      let order = round == 0 ? Array(texts.indices) : texts.indices.map { _ in Int.random(in: texts.indices, using: &rng) }
      for i in order {
        let t = texts[i]
        let cached = t.withUnsafeBufferPointer { cache.parse($0) }
        let plain = t.withUnsafeBufferPointer { CivilDate.parse(bytes: $0) }
        #expect(cached == plain, "\(String(decoding: t, as: UTF8.self))")
      }
    }
  }

  @Test("decimals written after the point are never fewer than the amount's significant ones")
  func writtenDecimals() {
    var texts = ["0", "7", "-3", "+12", "0.0", "1.5", "12.50", "12.500", "0.002", "0.0020", "100.000000000000000001"]
    for places in 0...18 {
      let digits = String((0..<places).map { _ in Character(String(Int.random(in: 0...9))) })
      texts.append(places == 0 ? "42" : "42.\(digits)")
      texts.append(places == 0 ? "-1" : "-1.\(digits)0")
    }
    for t in texts {
      let b = Array(t.utf8)
      b.withUnsafeBufferPointer { p in
        guard let v = Fixed.parse(p) else { return }
        let written = InvoiceRows.writtenDecimals(p)
        #expect(written >= v.significantFractionDigits, "\(t)")
        let point = t.firstIndex(of: ".").map { t.distance(from: $0, to: t.endIndex) - 1 } ?? 0
        #expect(written == point, "\(t)")
        // The check it stands for: at most `places` decimals, for every number of places.
        for places in 0...4 {
          #expect((written <= places || v.significantFractionDigits <= places) == (v.significantFractionDigits <= places))
        }
      }
    }
  }

  @Test("newlines counted by searching equal newlines counted a word at a time, at any bounds")
  func newlinesBySearch() {
    var g = SystemRandomNumberGenerator()
    for round in 0..<200 {
      let n = Int.random(in: 1...600, using: &g)
      // Short and long lines, CR LF, bytes beside 10 (9, 11, 138 = 10 | 0x80).
      let alphabet: [UInt8] = round % 2 == 0 ? [10, 13, 9, 11, 138, 65, 44] : [10] + Array(repeating: 65, count: 60)
      let bytes = (0..<n).map { _ in alphabet.randomElement(using: &g)! }
      bytes.withUnsafeBufferPointer { b in
        let from = Int.random(in: 0...n, using: &g)
        let to = Int.random(in: from...n, using: &g)
        #expect(LineCount.newlinesBySearch(b, from: from, to: to) == LineCount.newlines(b, from: from, to: to))
        #expect(LineCount.newlinesBySearch(b, from: from, to: to) == b[from..<to].filter { $0 == 10 }.count)
      }
    }
  }

  @Test("the days of a year take about as many cache slots as slots picked at random would")
  func datesSpreadOverSlots() {
    for year in [1999, 2024, 2026, 2031] {
      var d = CivilDate(year: year, month: 1, day: 1)!
      var slots = Set<Int>()
      var days = 0
      while d.year == year {
        let b = Array(d.description.utf8)
        let head = b.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        let tail = UInt32(b.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt16.self) }) | 0x1_0000
        slots.insert(DateCache.slot(head: head, tail: tail))
        days += 1
        d = CivilDate(dayNumber: d.dayNumber + 1)
      }
      // 365 days in 4,096 slots at random: about 350 distinct, seldom under 330.
      #expect(slots.count >= days * 9 / 10, "year \(year): \(slots.count) slots for \(days) days")
    }
  }
}
