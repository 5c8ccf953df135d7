import AccrueImport
import Testing

@Suite("LineCount")
struct LineCountTests {
  /// The word-at-a-time count (lanes summed every 255 words) against a byte loop, on bytes rich in newlines and in
  /// bytes near 10, at many lengths and offsets (past 255 words, where the lanes are summed).
  @Test("newlines: the same count as a byte loop")
  func againstBytes() {
    var rng = SystemRandomNumberGenerator()
    for length in [1, 7, 8, 9, 63, 2039, 2040, 2041, 2047, 4100, 9000] {
      for density in [0, 1, 2, 8] {
        let bytes: [UInt8] = (0..<length).map { _ in
          density > 0 && Int.random(in: 0..<density, using: &rng) == 0 ? 10 : [0, 9, 11, 0x8A, 0x0A ^ 0x80, 65][Int.random(in: 0..<6, using: &rng)]
        }
        bytes.withUnsafeBufferPointer { b in
          for from in [0, 1, 3] where from <= length {
            let want = b[from...].filter { $0 == 10 }.count
            #expect(LineCount.newlines(b, from: from, to: length) == want, "length \(length), density \(density), from \(from)")
          }
        }
      }
    }
  }
}
