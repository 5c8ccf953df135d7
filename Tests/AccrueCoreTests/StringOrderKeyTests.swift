import AccrueCore
import Testing

@Suite("String order keys")
struct StringOrderKeyTests {
  @Test("ASCII strings sorted by their prefix keys, then as strings, come in string order")
  func order() {
    var rng = LCG(seed: 77)
    let pieces = ["A", "B", "a", "0", "9", " ", "-", "ACME", "ACME CORPORATION ", "Z", "~", "\u{7F}"]
    for _ in 0..<50 {
      let strings = Array(Set((0..<200).map { _ in (0..<Int(rng.next() % 7)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined() }))
      let allASCII = strings.allSatisfy { $0.isASCII }
      #expect(allASCII)
      let keys = strings.map { $0.asciiPrefixKey }
      let byKeys = strings.indices.sorted { a, b in keys[a] != keys[b] ? keys[a] < keys[b] : strings[a] < strings[b] }.map { strings[$0] }
      #expect(byKeys == strings.sorted())
    }
    let umlaut = "Müller".isASCII
    #expect(!umlaut)
  }

  @Test("utf8Precedes orders as utf8.lexicographicallyPrecedes does: prefixes, bytes above 0x7F, empty, small and large strings")
  func bytesOrder() {
    var rng = LCG(seed: 78)
    let pieces = ["", "a", "b", "ctr-0001/2026-11-01", "\u{7F}", "é", "e\u{301}", "ü", "\u{10FFFF}", "#", "/", String(repeating: "x", count: 40)]
    for _ in 0..<2_000 {
      let a = (0..<Int(rng.next() % 4)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
      let b = Int(rng.next() % 3) == 0 ? a : (0..<Int(rng.next() % 4)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
      #expect(a.utf8Precedes(b) == a.utf8.lexicographicallyPrecedes(b.utf8), "\(a.debugDescription) vs \(b.debugDescription)")
    }
    let decomposed = "e\u{301}".utf8Precedes("é")  // canonically equal strings: bytes decide, not `<`
    #expect(decomposed)
    let equivalent = "é" < "e\u{301}" || "e\u{301}" < "é"
    #expect(!equivalent)
  }
}
