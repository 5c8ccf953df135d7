import AccrueCore
import AccrueModel
import Testing

@testable import AccrueRender

/// The cells the invoices CSV writes without making strings (dates, rule places, numbers) are the bytes of the
/// definitions they stand for (`put(d.description)`, `csvCell(d.description)`, `csvCell(r.description)`).
@Suite("Invoices CSV cells written in place")
struct InvoiceCSVCellTests {
  static let days: [Int32] = [0, 1, 59, 365, 2_932_896, 2_932_897, -1, -719_468, -800_000, 20_000, 61_000]
  static let files = ["rules/plans.accrue", "rules/a,b.accrue", "=x.accrue", "-x", "+x", "@x", "\tx", "\rx", "say \"x\"", "line\nend", "", "Été.accrue"]

  @Test("a literal written as `put(ascii:)` is the bytes `put(String)` writes (one byte, none, several, non-ASCII)")
  func literals() {
    var a = TextBuffer(capacity: 8)
    var b = TextBuffer(capacity: 8)
    a.put(ascii: ",")
    b.put(",")
    a.put(ascii: "")
    b.put("")
    a.put(ascii: "\r\n")
    b.put("\r\n")
    a.put(ascii: "total,total,,,")
    b.put("total,total,,,")
    a.put(ascii: "\"")
    b.put("\"")
    a.put(ascii: "é")
    b.put("é")
    a.put(ascii: "    one invoice per customer: contracts ")
    b.put("    one invoice per customer: contracts ")
    #expect(a.string == b.string)
    #expect(a.string.utf8.count == 60)
  }

  @Test("a date, and its cell, as its description writes it (years of four digits and others)")
  func dates() {
    for n in Self.days {
      let d = CivilDate(dayNumber: n)
      var a = TextBuffer()
      a.put(d)
      #expect(a.string == d.description)
      var b = TextBuffer()
      b.csvCell(d)
      var c = TextBuffer()
      c.csvCell(d.description)
      #expect(b.string == c.string)
    }
  }

  @Test("a date's description (written by `writeISO`) is its year, month and day zero padded, joined by dashes")
  func dateDescriptions() {
    func plain(_ d: CivilDate) -> String {
      let (y, m, day) = d.ymd
      func padded(_ v: Int, _ w: Int) -> String {
        let s = String(v.magnitude)
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, w - s.count)) + s
      }
      return padded(y, 4) + "-" + padded(m, 2) + "-" + padded(day, 2)
    }
    for n in Self.days + Array(stride(from: Int32(-1_000), through: 1_000, by: 7)) + [-719_162, -719_163, -1_000_000, 2_932_896] {
      let d = CivilDate(dayNumber: n)
      #expect(d.description == plain(d), "\(n)")
    }
  }

  @Test("a rule's place as the cell of its description, for files that need quotes or a leading quote mark")
  func rulePlaces() {
    for f in Self.files {
      for line in [0, 1, 9, 10, 47, 1_234_567, Int(UInt32.max)] {
        let r = RuleRef(file: f, line: line)
        var a = TextBuffer()
        a.csvCell(rule: r)
        var b = TextBuffer()
        b.csvCell(r.description)
        #expect(a.string == b.string, "\(f):\(line)")
      }
    }
  }

  @Test("an amount's cell as the cell of its text (`formatted(places:)`), at every number of places, signs and sizes")
  func amounts() {
    var g: UInt64 = 3
    func next() -> UInt64 {
      g = g &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return g
    }
    let one = Fixed.scaleFactor
    var raws: [Int128] = [0, 1, -1, 5, -5, one, -one, one - 1, -(one - 1), one / 100, -one / 100, one / 1000, -one / 1000,
      one * 999_999_999_999_999_999, one * 1_000_000_000_000_000_000, -one * 1_000_000_000_000_000_000 - 1, Int128.max, Int128.min + 1]
    for _ in 0..<400 {
      let magnitude = Int128(next() >> (next() % 64)) &* Int128(next() % 1_000_000_007)
      raws.append(next() % 2 == 0 ? magnitude : -magnitude)
    }
    for raw in raws {
      let v = Fixed(raw: raw)
      for p in [-1, 0, 1, 2, 3, 6, 17, 18, 19, 25] {
        var a = TextBuffer()
        a.csvAmount(v, places: p)
        var b = TextBuffer()
        b.csvCell(v.formatted(places: p))
        #expect(a.string == b.string, "\(raw) at \(p)")
        // The text's amounts: grouped, padded to a width (or not), after what the buffer holds already.
        for width in [0, 5, 14, 40] {
          var t = TextBuffer()
          t.put("x")
          if !t.amount(v, places: p, grouping: true, width: width) { t.lpad(v.formatted(places: p, grouping: true), width) }
          var u = TextBuffer()
          u.put("x")
          u.lpad(v.formatted(places: p, grouping: true), width)
          #expect(t.string == u.string, "\(raw) at \(p), width \(width)")
        }
      }
    }
    for c in [Currency.USD, .EUR, .JPY] {
      for raw in raws.prefix(40) {
        var t = TextBuffer()
        t.money(Fixed(raw: raw), c, width: 14)
        #expect(t.string == InvoiceRenderer.lpad(InvoiceRenderer.money(Fixed(raw: raw), c), 14))
      }
    }
  }

  @Test("a number's digits as String(n) writes them")
  func decimals() {
    for n in [0, 7, 10, 99, 100, 123_456_789, Int.max, -1, Int.min] {
      var a = TextBuffer()
      a.putDecimal(n)
      #expect(a.string == String(n))
    }
  }
}
