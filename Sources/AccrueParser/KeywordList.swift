import AccrueLexer

/// The words that start a block's statements, in the order messages list them, with a bit per keyword so that
/// asking whether a token starts a statement is one test (every statement of every block asks).
struct KeywordList: Sequence, Equatable, Sendable, ExpressibleByArrayLiteral {
  /// The words, in the order messages list them.
  let list: [Keyword]
  /// Bit `k.rawValue % 64` of word `k.rawValue / 64` is set for each keyword `k` of `list`.
  private var bits: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)

  init(_ list: [Keyword]) {
    self.list = list
    for k in list {
      precondition(k.rawValue < 320, "KeywordList holds 320 keywords: widen its bits")
      let bit = UInt64(1) << UInt64(k.rawValue & 63)
      switch k.rawValue >> 6 {
      case 0: bits.0 |= bit
      case 1: bits.1 |= bit
      case 2: bits.2 |= bit
      case 3: bits.3 |= bit
      default: bits.4 |= bit
      }
    }
  }

  init(arrayLiteral elements: Keyword...) { self.init(elements) }

  /// Whether `k` is one of the words.
  @inline(__always) func contains(_ k: Keyword) -> Bool {
    let bit = UInt64(1) << UInt64(k.rawValue & 63)
    switch k.rawValue >> 6 {
    case 0: return bits.0 & bit != 0
    case 1: return bits.1 & bit != 0
    case 2: return bits.2 & bit != 0
    case 3: return bits.3 & bit != 0
    default: return bits.4 & bit != 0
    }
  }

  var isEmpty: Bool { list.isEmpty }
  func makeIterator() -> IndexingIterator<[Keyword]> { list.makeIterator() }
  static func == (a: KeywordList, b: KeywordList) -> Bool { a.list == b.list }
}
