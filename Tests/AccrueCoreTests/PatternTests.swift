import AccrueCore
import AccrueModel
import Testing

@Suite("Reference patterns")
struct PatternTests {
  static func groups(_ pattern: String, _ text: String) throws -> [String] {
    let p = try Pattern.compile(pattern).get()
    return p.allMatches(in: text).map { m in m.groups.isEmpty ? m.whole : m.groups.map { $0 ?? "-" }.joined(separator: "|") }
  }

  @Test(
    "matches and groups, left to right",
    arguments: [
      ("(?i)INV[- ]?([0-9]{4}[- ]?[0-9]{1,10})", "Payment inv 2026 320, Invoice INV-2026-000588", ["2026 320", "2026-000588"]),
      ("RF[0-9]{2}[A-Z0-9]{1,21}", "ref RF18000000000000000127 ok", ["RF18000000000000000127"]),
      ("INV-?0*([1-9][0-9]*)", "INV-0004512 and INV77", ["4512", "77"]),
      ("a|ab", "ab", ["a"]),
      ("(a+?)b", "aaab", ["aaa"]),
      ("^x", "x\nx", ["x", "x"]),
      ("^INV(\\d+)", "Payment for\nINV123", ["123"]),
      ("(?i)^inv\\s*(\\d+)", "thanks\ninv 77", ["77"]),
      ("b$", "ab\nab", ["b", "b"]),
      ("[^ ]+", "two words", ["two", "words"]),
      ("\\d{3}", "12 345 6789", ["345", "678"]),
      ("(?:ab)+", "abababx", ["ababab"]),
      ("(a)|(b)", "b", ["-|b"]),
    ])
  func table(_ pattern: String, _ text: String, _ expected: [String]) throws {
    #expect(try Self.groups(pattern, text) == expected)
  }

  @Test("patterns that backtrack catastrophically elsewhere run in linear time on long text")
  func noCatastrophicBacktracking() throws {
    let text = String(repeating: "a", count: Pattern.maxTextLength - 1) + "!"
    for source in ["(a*)*b", "(a|a)*b", "(a|aa)+$", "(?:a+)+c", "(.*a){20}b"] {
      let p = try Pattern.compile(source).get()
      // A backtracking engine takes 2^n steps here; a Pike VM one pass.
      #expect(p.allMatches(in: text).isEmpty, "\(source)")
    }
  }

  @Test("the stated limits: pattern size, repetition count, text searched")
  func limits() throws {
    if case .success = Pattern.compile(String(repeating: "a", count: Pattern.maxSourceLength + 1)) { Issue.record("too long accepted") }
    if case .success = Pattern.compile("a{1001}") { Issue.record("count over the limit accepted") }
    if case .success = Pattern.compile("(a{1000}){1000}") { Issue.record("too many instructions accepted") }
    // Text beyond the first 10,000 characters is not searched.
    let p = try Pattern.compile("needle").get()
    #expect(p.matches(String(repeating: " ", count: 9_000) + "needle"))
    #expect(!p.matches(String(repeating: " ", count: Pattern.maxTextLength) + "needle"))
  }

  @Test("skipping to where a match can begin finds exactly what a full search finds")
  func startSkipping() throws {
    // "(?:^|)" in front makes every position a possible start, so that pattern is searched without skipping.
    var rng = LCG(seed: 11)
    let alphabet = Array("aAbB1 -\nIiNnVv0")
    // The literal prefixes ("inv", "nv0", "ab", "bb") also take the prefix check, cut short at the text's end.
    for source in ["(?i)inv[- ]?([0-9]+)", "b+a", "[0-9]{2}", "(a|b)(1|v)", "\\s+n", "(?i)[a-b]0", "(?i)nv0[ab]", "ab", "bb(1|a)"] {
      let fast = try Pattern.compile(source).get()
      let full = try Pattern.compile(source.hasPrefix("(?i)") ? "(?i)(?:^|)" + source.dropFirst(4) : "(?:^|)" + source).get()
      for _ in 0..<200 {
        let text = String((0..<Int(rng.next() % 40)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        let a = fast.allMatches(in: text).map(\.whole)
        let b = full.allMatches(in: text).map(\.whole)
        #expect(a == b, "\(source) on \(text.debugDescription)")
      }
    }
  }

  @Test("a search's scratch memory, reused across texts, gives what a fresh search gives; another pattern's is not used")
  func scratch() throws {
    let invoice = try Pattern.compile("(?i)INV[- ]?([0-9]{4}[- ]?[0-9]{1,10})").get()
    let short = try Pattern.compile("RF[0-9]{2}").get()
    let texts = ["Payment inv 2026 320, Invoice INV-2026-000588", "", "RF18 RF99x", "inv-2026-1 INV 2026 22 no", "INV-2026-"]
    let mine = Pattern.Scratch(invoice)
    let other = Pattern.Scratch(short)
    for t in texts + texts {
      let fresh = invoice.allMatches(in: t).map(\.whole)
      #expect(invoice.allMatches(in: t, mine).map(\.whole) == fresh, "\(t)")
      #expect(invoice.allMatches(in: t, other).map(\.whole) == fresh, "\(t)")
      #expect(short.allMatches(in: t, mine).map(\.whole) == short.allMatches(in: t).map(\.whole), "\(t)")
    }
  }
}
