import AccrueCore
import Testing

/// Parses a decimal literal for a test, recording an issue if it is invalid.
func fx(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Fixed {
  guard let value = Fixed(text) else {
    Issue.record("invalid Fixed literal \(text)", sourceLocation: sourceLocation)
    return .zero
  }
  return value
}

/// Parses a "YYYY-MM-DD" literal for a test, recording an issue if it is invalid.
func day(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> CivilDate {
  guard let value = CivilDate.parse(text) else {
    Issue.record("invalid date literal \(text)", sourceLocation: sourceLocation)
    return CivilDate(dayNumber: 0)
  }
  return value
}

/// A deterministic 64-bit linear congruential generator (Knuth's MMIX constants) for property tests.
struct LCG {
  var state: UInt64

  init(seed: UInt64) { state = seed }

  /// The next 64 pseudo-random bits (high half of the state is the better half, so mix it down).
  mutating func next() -> UInt64 {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return state ^ (state >> 29)
  }

  /// A value in `range` (small ranges only; modulo bias is irrelevant for tests).
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    let width = UInt64(range.upperBound - range.lowerBound) + 1
    return range.lowerBound + Int(next() % width)
  }
}
