import AccrueCore
import AccrueGen
import AccrueModel
import Testing

@testable import AccrueRender

/// `JSONWriter` and `JSON.writeArray(count:)` write exactly what `JSON.write(pretty: true)` writes for the same tree
/// (a compact writer: what `serialized()` writes).
struct JSONWriterTests {
  /// A value with every kind of member: empty and nested containers, nulls, escapes, numbers.
  static func tree(_ k: Int) -> JSON {
    .object([
      ("key", .string("item \(k)")), ("quote", .string("a \"b\"\\c\nd\t\u{1}")), ("none", .null), ("flag", .bool(k % 2 == 0)),
      ("count", .int(k)), ("empty", .array([])), ("nothing", .object([])),
      ("list", .array((0..<(k % 4)).map { .object([("n", .int($0)), ("names", .array([.string("x"), .string("é")]))]) })),
    ])
  }

  /// The same value written member by member.
  static func write(_ k: Int, _ w: inout JSONWriter) {
    w.open("{")
    w.field("key", "item \(k)")
    w.field("quote", "a \"b\"\\c\nd\t\u{1}")
    w.field("none", nil)
    w.field("flag", k % 2 == 0)
    w.key("count")
    w.int(k)
    w.strings("empty", [])
    w.key("nothing")
    w.open("{")
    w.close("}")
    w.key("list")
    w.open("[")
    for n in 0..<(k % 4) {
      w.item()
      w.open("{")
      w.key("n")
      w.int(n)
      w.strings("names", ["x", "é"])
      w.close("}")
    }
    w.close("]")
    w.close("}")
  }

  @Test("a value written member by member is the tree's pretty JSON, at any depth", arguments: [0, 1, 2, 3])
  func sameAsTree(indent: Int) {
    for k in 0..<8 {
      var w = JSONWriter(arrayMembersAt: indent, itemsBefore: k > 0)
      w.item()
      JSONWriterTests.write(k, &w)
      var expected: [UInt8] = k > 0 ? [UInt8(ascii: ",")] : []
      JSON.newline(&expected, indent)
      JSONWriterTests.tree(k).write(to: &expected, pretty: true, indent: indent)
      let written = w.string
      #expect(written == String(decoding: expected, as: UTF8.self))
    }
  }

  @Test("an array written in chunks (two threads from 2,000 items) is the tree's, written item by item", arguments: [0, 1, 1_999, 2_000, 5_003])
  func chunkedArray(count: Int) {
    for indent in [0, 1] {
      var chunked = ""
      JSON.writeArray(count: count, indent: indent, { range, w in for k in range { w.item(); JSONWriterTests.write(k, &w) } }, { chunked += $0 })
      var trees = ""
      JSON.writeArray(count: count, indent: indent, { range, w in for k in range { w.item(); w.value(JSONWriterTests.tree(k)) } }, { trees += $0 })
      var whole = ""
      JSON.writeArray(0..<count, indent: indent, JSONWriterTests.tree, { whole += $0 })
      // Chunks handed on as bytes (what `plan` writes to standard output), between the strings of the ends.
      var asBytes: [UInt8] = []
      JSON.writeArray(
        count: count, indent: indent, { range, w in for k in range { w.item(); JSONWriterTests.write(k, &w) } },
        { asBytes += Array($0.utf8) }, bytes: { asBytes += Array($0) })
      #expect(chunked == whole)
      #expect(String(decoding: asBytes, as: UTF8.self) == whole)
      #expect(trees == whole)
    }
  }

  /// The definition `JSON.firstToEscape` reads eight bytes at a time.
  static func firstToEscapeByBytes(_ b: [UInt8], from: Int) -> Int? { b.indices.first { $0 >= from && (b[$0] < 0x20 || b[$0] == 34 || b[$0] == 92) } }

  @Test("the word-at-a-time escape scan finds the first byte that needs one, from any place, and nothing else")
  func escapeScan() {
    for length in 0...24 {
      let plain = [UInt8]((0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) })
      plain.withUnsafeBufferPointer { #expect(JSON.firstToEscape($0, from: 0) == nil) }
      for at in 0..<length {
        // Every byte value at each place, around the others' plain letters (and after a high byte: UTF-8), and a
        // quote further on; scanned from the start and from just before and after the place.
        for v in 0...255 {
          var b = plain
          b[at] = UInt8(v)
          if at > 0 { b[at - 1] = 0xC3 }
          if at + 3 < length { b[at + 3] = 34 }
          for from in Set([0, max(0, at - 1), at, min(length, at + 1)]) {
            let expected = JSONWriterTests.firstToEscapeByBytes(b, from: from)
            b.withUnsafeBufferPointer {
              #expect(JSON.firstToEscape($0, from: from) == expected, "length \(length), byte \(v) at \(at), from \(from)")
            }
          }
        }
      }
    }
    var out: [UInt8] = []
    JSON.escape("plain text of thirty-odd bytes, é", into: &out)
    JSON.escape("a \"quote\" after sixteen bytes\n", into: &out)
    JSON.escape("\u{1}\u{1f}\t\r\\", into: &out)
    #expect(
      String(decoding: out, as: UTF8.self)
        == "\"plain text of thirty-odd bytes, é\"\"a \\\"quote\\\" after sixteen bytes\\n\"\"\\u0001\\u001f\\t\\r\\\\\"")
  }

  @Test("a place is written as its description would be, without making the string")
  func places() {
    let refs = [
      SourceRef(file: "rules/matching.accrue", line: 16, column: 3), SourceRef(file: "/tmp/a \"b\"\\c/invoices.csv", line: 1_000_001),
      SourceRef(file: "", line: 0), SourceRef(file: "é/x.csv", line: Int(UInt32.max) + 5),
    ]
    var fast = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
    var slow = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
    fast.item()
    slow.item()
    fast.open("{")
    slow.open("{")
    for r in refs {
      fast.place("rule", r)
      slow.field("rule", r.description)
    }
    fast.place("none", nil)
    slow.field("none", nil)
    fast.places("sources", refs)
    slow.strings("sources", refs.map(\.description))
    fast.places("empty", [])
    slow.strings("empty", [])
    fast.close("}")
    slow.close("}")
    let (a, b) = (fast.string, slow.string)
    #expect(a == b)
  }

  @Test("a compact writer writes each value as the tree's serialized() (JSON Lines: one after the other)")
  func compactSameAsTree() {
    var w = JSONWriter(compactCapacity: 16)
    var expected = ""
    for k in 0..<8 {
      JSONWriterTests.write(k, &w)
      w.bytes.append(10)
      expected += JSONWriterTests.tree(k).serialized() + "\n"
    }
    w.value(JSONWriterTests.tree(9))
    expected += JSONWriterTests.tree(9).serialized()
    let written = w.string
    #expect(written == expected)
  }

  @Test("integers, dates and invoice ids written in place are the strings' bytes")
  func inPlace() {
    var fast = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
    var slow = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
    fast.open("{")
    slow.open("{")
    for i in [0, 7, 9, 10, 11, 99, 100, 12_345, -1, -10, -987_654_321, Int.max, Int.min] {
      fast.key("n")
      fast.int(i)
      slow.field("n", nil)
      slow.bytes.removeLast(4)
      slow.bytes.append(contentsOf: String(i).utf8)
    }
    for day in [Int32(-719_162), -700_000, -1, 0, 20_000, 2_932_896] {
      let d = CivilDate(dayNumber: day)
      fast.field("d", date: d)
      slow.field("d", d.description)
    }
    let ids = ["INV-2026-000001", "", "a\"b", "x\u{1}", "INV-0123456789-0123456789-0123456789", "facture-\u{E9}", String(repeating: "9", count: 23)]
    for id in ids {
      for number in [id, "", "N-1", id + "-2"] {
        let r = InvoiceRef(id: id, number: number)
        fast.field("id", idOf: r)
        slow.field("id", r.id)
        fast.field("number", numberOf: r)
        slow.field("number", r.number)
      }
    }
    fast.close("}")
    slow.close("}")
    let (a, b) = (fast.string, slow.string)
    #expect(a == b)
  }

  @Test("strings of every length up to 80 bytes, escapes anywhere, are copied whole (runs copied a word at a time)")
  func runsOfEveryLength() {
    for length in 0...80 {
      for escapeAt in [-1, 0, length / 2, length - 1] where escapeAt < length {
        var s = String((0..<length).map { Character(UnicodeScalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
        if escapeAt >= 0 {
          var b = Array(s.utf8)
          b[escapeAt] = UInt8(ascii: "\"")
          s = String(decoding: b, as: UTF8.self)
        }
        var w = JSONWriter(arrayMembersAt: 3, itemsBefore: true, capacity: 1)
        w.item()
        w.string(s)
        w.item()
        w.open("{")
        w.field("k", s)
        w.close("}")
        var expected: [UInt8] = [UInt8(ascii: ",")]
        JSON.newline(&expected, 3)
        JSON.escape(s, into: &expected)
        expected.append(UInt8(ascii: ","))
        JSON.newline(&expected, 3)
        JSON.object([("k", .string(s))]).write(to: &expected, pretty: true, indent: 3)
        let written = w.bytes
        #expect(written == expected, "length \(length), escape at \(escapeAt)")
      }
    }
  }
}

@Suite("Cash applications' zero amounts")
struct CashZeroAmountTests {
  /// `CashRenderer.amount` writes what `JSONWriter.field(_:amount:places:)` writes: zero at every number of places
  /// (those it copies and those it leaves to the writer), and amounts that are not zero.
  @Test("a zero amount copied is the amount written")
  func sameAsWritten() {
    let values: [Fixed] = [.zero, Fixed(raw: 0), Fixed(minorUnits: 0, exponent: 2), Fixed(minorUnits: 1, exponent: 2), Fixed(minorUnits: -1, exponent: 3), 1, -1]
    for places in 0...8 {
      for v in values {
        var fast = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
        fast.item()
        fast.open("{")
        fast.key("unapplied")
        CashRenderer.amount(v, places, into: &fast)
        fast.key("credit_on_account")
        CashRenderer.amount(v, places, into: &fast)
        fast.close("}")
        var plain = JSONWriter(arrayMembersAt: 1, itemsBefore: false)
        plain.item()
        plain.open("{")
        plain.field("unapplied", amount: v, places: places)
        plain.field("credit_on_account", amount: v, places: places)
        plain.close("}")
        #expect(fast.string == plain.string, "\(v) at \(places) places")
      }
    }
  }
}

@Suite("Cash applications' keys copied")
struct CashFixedKeysTests {
  /// A random application: nulls or values, 0 to 3 allocations, candidates, explanation steps, a return or none.
  static func application(_ k: Int, _ rng: inout SeededRandom) -> CashApplication {
    let day = CivilDate(dayNumber: Int32(20_000 + rng.below(400)))
    let currency: Currency = [.USD, .EUR, .JPY][rng.below(3)]
    func maybe(_ s: String) -> String? { rng.below(2) == 0 ? nil : s }
    func amount() -> Fixed { rng.below(3) == 0 ? .zero : Fixed(minorUnits: Int64(rng.below(1_000_000)) - 1_000, exponent: currency.minorUnits) }
    let rule = MatchRuleName(name: "rule_\(k % 3)", source: SourceRef(file: "rules/matching.accrue", line: 3 + k % 5))
    let allocations = (0..<rng.below(4)).map { n in
      Allocation(
        ref: InvoiceRef(id: "INV-\(k)-\(n)", number: rng.below(2) == 0 ? "INV-\(k)-\(n)" : "N \"\(n)\" é-\(k)"), openBefore: amount(),
        amount: amount(), writtenOff: amount(), discount: amount(), closes: rng.below(2) == 0, paidBefore: amount(),
        source: SourceRef(file: "data/invoices.csv", line: 2 + n))
    }
    var a = CashApplication(
      paymentID: "pay-\(k)", source: "data/payments.csv:\(k + 2)", date: day, amount: amount(), currency: currency,
      payerName: "Payer \"\(k)\"\n", customer: maybe("cust-\(k)"), payerBy: rng.below(2) == 0 ? nil : .invoiceNamed,
      status: [.applied, .suggested, .exception, .unapplied][rng.below(4)], rule: maybe("rule_\(k % 3)"),
      ruleSource: rng.below(2) == 0 ? nil : SourceRef(file: "rules/matching.accrue", line: 7), strategy: rng.below(2) == 0 ? nil : .noMatch,
      allocations: allocations, writeOff: amount(), credit: amount(), unapplied: amount(), queue: maybe("cash-apps"),
      reason: maybe("short \"payment\""), suggestions: (0..<rng.below(3)).map { "INV-\($0)" },
      explanation: (0..<rng.below(3)).map { _ in CashStep(rule: rule, finding: rng.below(2) == 0 ? .noReferenceFound : .noOpenInvoiceNamed(references: ["R\"1"])) })
    if rng.below(5) == 0 {
      a.returnOf = PaymentReturn(
        key: "payment:pay-\(k)", original: "payment:pay-0", date: day, customer: "", amount: Money(amount: Fixed(5), currency: currency),
        reason: "AC04", source: "s", reversed: rng.below(2) == 0)
    }
    return a
  }

  /// An application written with its keys copied from fixed text is what writing each key gives, at any depth,
  /// first in its array or not.
  @Test("keys copied from fixed text are the keys written one by one", arguments: [0, 1, 2, 3])
  func sameAsKeysWritten(indent: Int) {
    var rng = SeededRandom(seed: UInt64(31 + indent))
    let keys = CashRenderer.Keys(applicationsAt: indent)
    for k in 0..<300 {
      let list = [CashFixedKeysTests.application(k, &rng)]
      var fast = JSONWriter(arrayMembersAt: indent, itemsBefore: k % 2 == 1)
      var plain = JSONWriter(arrayMembersAt: indent, itemsBefore: k % 2 == 1)
      list.withUnsafeBufferPointer { buf in
        fast.item()
        CashRenderer.write(buf.baseAddress!, into: &fast, keys: keys)
        plain.item()
        CashRenderer.write(buf.baseAddress!, into: &plain)
      }
      #expect(fast.string == plain.string, "application \(k)")
      #expect(plain.string.contains("\"explanation\": ["))
    }
  }
}
