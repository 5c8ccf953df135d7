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
      #expect(String(decoding: w.bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
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
      #expect(chunked == whole)
      #expect(trees == whole)
    }
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
    #expect(String(decoding: w.bytes, as: UTF8.self) == expected)
  }

  @Test("the word-at-a-time scan finds a byte to escape exactly where a byte-by-byte loop does, at every offset and length")
  func escapeScan() {
    var state: UInt64 = 7
    let alphabet: [UInt8] = [0, 1, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x5B, 0x5C, 0x5D, 0x7F, 0x80, 0x9F, 0xA0, 0xC3, 0xFF, 65, 97]
    for n in 0..<2_000 {
      var bytes: [UInt8] = []
      for _ in 0..<(n % 37) {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        // Mostly bytes that need no escape, so that some strings need none at all.
        let k = Int(state >> 33) % (alphabet.count * 3)
        bytes.append(k < alphabet.count ? alphabet[k] : UInt8(65 + k % 26))
      }
      let expected = bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
      bytes.withUnsafeBufferPointer { #expect(JSON.needsEscape($0) == expected, "\(bytes)") }
    }
  }
}
