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
}
