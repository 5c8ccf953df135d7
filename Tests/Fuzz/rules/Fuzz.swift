import AccrueDiagnostics
import AccrueLexer

/// libFuzzer entry point of the `rules` target: the bytes as one rule file, loaded, checked and, when clean,
/// compiled (`FrontendFuzzChecks.rules`, Tests/AccrueFrontendTests/FuzzChecks.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  guard longestOperatorRun(bytes) <= maxOperatorsPerStatement else { return -1 }
  let problems = FrontendFuzzChecks.rules(bytes)
  if !problems.isEmpty { fatalError("fuzz rules: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}

/// A known finding, being fixed elsewhere, is kept out of the runs so that they look for new ones: the checker
/// recurses once per operator of a chain (`1 + 1 + ... + 1`), and about 300 operators exhaust the 8 MB stack
/// under AddressSanitizer (about 1,000 in a debug build). Inputs with a statement of more operators than this are
/// not this target's (-1). Remove the limit when the checker no longer recurses on chains.
let maxOperatorsPerStatement = 100

/// The most operators (arithmetic, comparison, and, or, not) in one statement (between two line ends).
func longestOperatorRun(_ bytes: [UInt8]) -> Int {
  var map = SourceMap()
  let file = map.add(path: "fuzz.accrue", bytes: bytes)
  var interner = Interner()
  var longest = 0
  var count = 0
  for t in Lexer.lex(file, interner: &interner).tokens {
    switch t.kind {
    case .newline, .eof:
      longest = max(longest, count)
      count = 0
    case .plus, .minus, .star, .slash, .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: count += 1
    case .identifier where t.is(.and) || t.is(.or) || t.is(.not): count += 1
    default: break
    }
  }
  return max(longest, count)
}
