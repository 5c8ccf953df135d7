import Testing

@testable import AccrueBilling

/// `String.concat` (an invoice's key and its lines' descriptions written once) is the text `+` gives.
@Suite("Strings joined in one write")
struct ConcatTests {
  @Test("the pieces joined as `+` joins them: empty, small, large, non-ASCII and bridged-looking pieces")
  func asPlus() {
    let pieces = ["", "a", "ctr-000001", "/", "2026-11-01", "Été: 3 x 12.00 €", String(repeating: "x", count: 40), "🇸🇪 flag", "\u{301}"]
    for a in pieces {
      for b in pieces {
        for c in pieces {
          #expect(String.concat(a, b, c) == a + b + c)
          #expect(String.concat(a, b, c).utf8.elementsEqual((a + b + c).utf8))
          // Every parameter used (seven pieces, as a charge line's description).
          #expect(String.concat(a, b, c, b, a, c, a).utf8.elementsEqual((a + b + c + b + a + c + a).utf8))
        }
      }
    }
    #expect(String.concat() == "")
    #expect(String.concat("only") == "only")
    let sub = String("prefix-ctr-9".dropFirst(7))
    #expect(String.concat(sub, "/", "x") == "ctr-9/x")
  }
}
