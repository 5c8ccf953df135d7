import Testing

@testable import AccrueCore

/// The two ways a pattern searches (Pike VM, and backtracking that tries each instruction at each place once)
/// must find exactly the same matches and groups: random patterns over a small alphabet, random texts.
@Suite("Pattern engines")
struct PatternEngineTests {
  /// A random pattern of at most `depth` levels of nesting.
  static func pattern(_ rng: inout LCG, depth: Int) -> String {
    func pick(_ n: Int) -> Int { Int(rng.next() % UInt64(n)) }
    let atoms = ["a", "b", "1", " ", ".", "[ab]", "[^a]", "\\d", "\\s", "\\w", "-", "^", "$", "a", "b"]
    var out = ""
    for _ in 0..<(1 + pick(4)) {
      var piece: String
      if depth > 0 && pick(3) == 0 {
        let inner = (0..<(1 + pick(3))).map { _ in pattern(&rng, depth: depth - 1) }.joined(separator: "|")
        piece = (pick(2) == 0 ? "(" : "(?:") + inner + ")"
      } else {
        piece = atoms[pick(atoms.count)]
      }
      if piece != "^" && piece != "$" {
        switch pick(9) {
        case 0: piece += "*"
        case 1: piece += "+"
        case 2: piece += "?"
        case 3: piece += "{\(pick(3))}"
        case 4: piece += "{\(pick(2)),}"
        case 5: piece += "{\(pick(2)),\(2 + pick(2))}"
        default: break
        }
        // Lazy, sometimes.
        if piece.last.map({ "*+?}".contains($0) }) == true && pick(4) == 0 { piece += "?" }
      }
      out += piece
    }
    return out
  }

  @Test("backtracking finds exactly the matches and groups the Pike VM finds")
  func sameMatches() throws {
    var rng = LCG(seed: 20_261_123)
    let alphabet = Array("aAbB1 -\n")
    var compared = 0
    var matched = 0
    for _ in 0..<1_500 {
      var source = Self.pattern(&rng, depth: 3)
      if rng.next() % 4 == 0 { source = "(?i)" + source }
      guard case .success(let p) = Pattern.compile(source) else { continue }
      for _ in 0..<8 {
        let text = (0..<Int(rng.next() % 24)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))].unicodeScalars.first!.value }
        let pike = p.allMatches(in: text, using: .pike)
        let back = p.allMatches(in: text, using: .backtrack)
        #expect(pike == back, "\(source) on \(String(decoding: text.map { UInt8($0) }, as: UTF8.self).debugDescription)")
        compared += 1
        if !pike.isEmpty { matched += 1 }
      }
    }
    // The comparison means something: most patterns compile, many texts match.
    #expect(compared > 8_000)
    #expect(matched > compared / 4)
  }

  @Test("a search too large to backtrack takes the Pike VM, and finds the same")
  func largeSearches() throws {
    let p = try Pattern.compile("(?i)INV[- ]?([0-9]{4}[- ]?[0-9]{1,10})").get()
    let text = Array((String(repeating: "x", count: 20_000) + " INV-2026-000123").unicodeScalars.map(\.value))
    // Past the budget: the default search must not backtrack (it would need more memory than it has).
    #expect(p.program.count * (min(text.count, Pattern.maxTextLength) + 1) > Pattern.backtrackBits)
    #expect(p.allMatches(in: text).isEmpty)  // beyond the 10,000 characters searched
    let short = Array("pay INV 2026 77 and inv-2026-000123".unicodeScalars.map(\.value))
    #expect(p.allMatches(in: short, using: .pike) == p.allMatches(in: short, using: .backtrack))
    #expect(p.allMatches(in: short).map(\.groups) == [[8..<15], [24..<35]].map { $0.map { Optional($0) } })
  }

  @Test("backtracking stays linear on patterns that are exponential for a plain backtracker")
  func backtrackingBounded() throws {
    let text = Array((String(repeating: "a", count: 200) + "!").unicodeScalars.map(\.value))
    for source in ["(a*)*b", "(a|a)*b", "(a|aa)+$", "(?:a+)+c", "(.*a){20}b"] {
      let p = try Pattern.compile(source).get()
      // Each (instruction, place) pair is tried once: about 200 x 100 steps here, not 2^200.
      #expect(p.program.count * (text.count + 1) <= Pattern.backtrackBits, "\(source)")
      #expect(p.allMatches(in: text, using: .backtrack).isEmpty, "\(source)")
    }
  }
}
