@testable import AccrueChecker
import AccrueDiagnostics
import AccrueLexer
import AccrueModel
@testable import AccrueParser
import Testing

/// The scans made faster for `accrue check` (issue 25) give what the byte-by-byte definitions give.
@Suite("Check speed: fast scans equal their definitions")
struct CheckSpeedTests {
  /// The definition: one warning per line holding a bidirectional control character, ten lines at most.
  static func bidiLines(_ b: [UInt8]) -> [Int32] {
    var out: [Int32] = []
    var i = 0
    var lastLineStart = -1
    var lineStart = 0
    while i + 2 < b.count {
      if b[i] == 10 {
        lineStart = i + 1
      } else if b[i] == 0xE2, (b[i + 1] == 0x80 && (0xAA...0xAE).contains(b[i + 2])) || (b[i + 1] == 0x81 && (0xA6...0xA9).contains(b[i + 2])) {
        if lineStart != lastLineStart {
          lastLineStart = lineStart
          out.append(Int32(i))
          if out.count == 10 { break }
        }
        i += 3
        continue
      }
      i += 1
    }
    return out
  }

  /// Random text of a few pieces: plain bytes, line breaks, control characters and near misses of them.
  static func randomText(_ rng: inout DepthRandom, length: Int) -> [UInt8] {
    let pieces: [[UInt8]] = [
      [0x61], [0x20], [10], [0xE2, 0x80, 0xAE], [0xE2, 0x81, 0xA6], [0xE2, 0x80, 0xA9], [0xE2, 0x81, 0xAA], [0xE2],
      [0xE2, 0x80], [0xE2, 0xE2, 0x80, 0xAA], [0xE2, 0x82, 0xAC],
    ]
    var b: [UInt8] = []
    while b.count < length { b += pieces[Int(rng.next() % UInt64(pieces.count))] }
    return b
  }

  @Test("bidi warnings: same positions as the byte-by-byte scan")
  func bidiEqualsDefinition() {
    var rng = DepthRandom(seed: 25)
    var map = SourceMap()
    for round in 0..<3_000 {
      let bytes = Self.randomText(&rng, length: round % 200)
      let file = map.add(path: "t\(round)", bytes: bytes)
      var interner = Interner()
      let got = Lexer.lex(file, interner: &interner).diagnostics.filter { $0.code == .bidiControl }.map(\.span.start)
      #expect(got == Self.bidiLines(bytes), "\(bytes)")
    }
  }

  @Test("line table: a start after every line break")
  func lineStarts() {
    var rng = DepthRandom(seed: 7)
    for round in 0..<500 {
      let bytes = Self.randomText(&rng, length: round)
      var want: [Int32] = [0]
      for (i, b) in bytes.enumerated() where b == 10 { want.append(Int32(i + 1)) }
      #expect(SourceFile(id: FileID(0), path: "t", bytes: bytes).lineStarts == want)
    }
  }

  @Test("a block's statement words: the bits hold what the list holds")
  func keywordList() {
    var rng = DepthRandom(seed: 266)
    let all = Keyword.allCases
    var lists: [[Keyword]] = [[], all, [all[0]], [all[all.count - 1]]]
    for _ in 0..<200 { lists.append(all.filter { _ in rng.next() % 7 == 0 }) }
    for list in lists {
      let words = KeywordList(list)
      for k in all { #expect(words.contains(k) == list.contains(k), "\(k)") }
      #expect(Array(words) == list)
    }
    #expect(all.count <= 320)
    #expect(Parser.planWords.list.contains(.charge) && Parser.planWords.contains(.charge))
  }

  @Test("interning: equal words get one symbol, different words different ones, however long")
  func interning() {
    var rng = DepthRandom(seed: 189)
    var interner = Interner()
    var byWord: [String: Symbol] = [:]
    let letters = Array("ab_Z09".utf8)
    for round in 0..<20_000 {
      let word = [UInt8(ascii: "a")] + (0..<Int(rng.next() % 24)).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
      // The lexer's path (a hash made while reading, the word inside a larger buffer) against the plain one.
      let buffer = Array("  ".utf8) + word + Array(" x".utf8)
      let got = buffer.withUnsafeBufferPointer { b in
        var h = Interner.emptyHash
        for c in word { h = Interner.hash(h, c) }
        return round % 2 == 0 ? interner.intern(b, 2, 2 + word.count, hash: h) : interner.intern(b, 2, 2 + word.count)
      }
      let text = String(decoding: word, as: UTF8.self)
      if let want = byWord[text] { #expect(got == want, "\(text)") } else { byWord[text] = got }
      #expect(interner.name(got) == text)
    }
    #expect(Set(byWord.values).count == byWord.count)
    #expect(interner.intern("plan") == Symbol(Keyword.plan))
  }

  @Test("expression depth: one more than its deepest child")
  func depth() {
    var map = SourceMap()
    let text = "f(1, (2 + 3) * -x, [a, b.c], y between 1 and (2 + (3 + 4)), if p then q else r, z in [1, 2], w matches /a/)"
    let file = map.add(path: "t", bytes: Array(text.utf8))
    var interner = Interner()
    let lexed = Lexer.lex(file, interner: &interner)
    var id: Int32 = 0
    let (e, diags) = Parser.parseExpression(file, lexed, nextExprID: &id)
    #expect(diags.isEmpty)
    func check(_ e: Expr) {
      let children = e.kind.children
      #expect(e.depth == (children.map(\.depth).max() ?? 0) + 1)
      children.forEach(check)
    }
    check(e)
    #expect(e.depth == 5)
  }
}

/// The checker's shortcuts (issue 25, second pass) equal their definitions.
@Suite("Check speed: the checker's shortcuts equal their definitions")
struct CheckerShortcutTests {
  @Test("a field's flags: Schema.approvalOnly and the customer's totals, by name")
  func fieldFlags() {
    let c = CheckerState(interner: Interner(), sources: SourceMap(), exprCount: 0)
    for r in RecordKind.allCases {
      for (_, info) in c.fieldTable[r.index] {
        #expect(info.approvalOnly == (Schema.approvalOnly[r]?.contains(info.name) == true), "\(r).\(info.name)")
        #expect(info.customerTotal == (r == .customer && CheckerState.customerTotals.contains(info.name)), "\(r).\(info.name)")
      }
      #expect(c.fieldTable[r.index].count == (Schema.core[r]?.count ?? 0))
    }
  }

  @Test("symbols hashed by their id: sets and tables of symbols hold what sets of ids hold")
  func symbolHash() {
    var rng = DepthRandom(seed: 11)
    var symbols: Set<Symbol> = []
    var ids: Set<Int32> = []
    var table: [Symbol: Int32] = [:]
    for _ in 0..<20_000 {
      let id = Int32(truncatingIfNeeded: rng.next() % 50_000)
      #expect(symbols.insert(Symbol(id)).inserted == ids.insert(id).inserted)
      table[Symbol(id), default: 0] += 1
    }
    #expect(symbols.count == ids.count)
    #expect(Set(symbols.map(\.raw)) == ids)
    #expect(table.values.reduce(0, +) == 20_000)
    #expect(Symbol(7).hashValue == Symbol(7).hashValue && Symbol(7) != Symbol(8))
  }
}

/// A small deterministic generator (DepthRandom64).
struct DepthRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
