import AccrueCore
import Testing

@Suite("Short texts")
struct ShortTextTests {
  /// Random ASCII texts of 0...30 bytes, some with non-ASCII letters: a text kept inline reads back the same,
  /// equal and hash alike exactly when the strings are equal; longer or non-ASCII ones are `none`.
  @Test func sameAsTheString() {
    var state: UInt64 = 7
    func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(n))
    }
    let letters = Array("AB-09z\u{0}é")
    var texts: [String] = ["", "INV-2026-0000001", String(repeating: "x", count: 23), String(repeating: "x", count: 24)]
    for _ in 0..<500 { texts.append(String((0..<next(31)).map { _ in letters[next(next(5) == 0 ? letters.count : letters.count - 1)] })) }
    for s in texts {
      let t = ShortText(s)
      let fits = s.utf8.count <= 23 && s.utf8.allSatisfy { $0 < 0x80 }
      #expect(t.isNone == !fits, "\(s)")
      if fits {
        #expect(t.string == s && t.count == s.utf8.count)
        #expect(s.withCString { p in ShortText(bytes: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: s.utf8.count) } == t)
      }
    }
    for a in texts.prefix(60) {
      for b in texts.prefix(60) where !ShortText(a).isNone && !ShortText(b).isNone {
        #expect((ShortText(a) == ShortText(b)) == (a == b), "\(a) \(b)")
        #expect(ShortText.precedes(ShortText(a), ShortText(b)) == (a < b), "\(a) \(b)")
      }
    }
  }
}
