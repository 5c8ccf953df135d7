import AccrueCore
import Testing

@Suite("UTF-8 key order")
struct UTF8OrderTests {
  @Test("sortedIndices gives the indices sorted by utf8Precedes, equal keys in index order")
  func sameAsSorted() {
    var rng = LCG(seed: 79)
    // Prefixes shorter than, equal to and longer than the eight bytes compared first; NUL and bytes above 0x7F;
    // canonically equal strings (bytes decide); keys repeated (ties keep index order).
    let pieces = ["", "a", "b", "\0", "ctr-0001/2026-11-01", "INV-2026-", "12345678", "\u{7F}", "é", "e\u{301}", "\u{10FFFF}", "/", String(repeating: "x", count: 40)]
    for round in 0..<300 {
      let count = Int(rng.next() % 60)
      let keys = (0..<count).map { _ in (0..<Int(rng.next() % 5)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined() }
      let plain = keys.indices.sorted { keys[$0].utf8Precedes(keys[$1]) }
      #expect(UTF8Order.sortedIndices(keys) == plain, "round \(round): \(keys.map(\.debugDescription))")
      #expect(UTF8Order.sortedIndices(count: keys.count) { keys[$0] } == plain)
    }
    #expect(UTF8Order.sortedIndices([]) == [])
    #expect(UTF8Order.sortedIndices(["b", "a", "a\0", "a", "é", "e\u{301}"]) == [1, 3, 2, 0, 5, 4])
  }
}
