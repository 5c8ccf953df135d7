import AccrueDiagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Lexer {
  /// Bidirectional control characters (U+202A-U+202E, U+2066-U+2069) anywhere in a file, comments and strings
  /// included: they make text display in another order than it is read ("Trojan Source"), so a reviewer may see
  /// a rule that is not the one that runs. One warning per line that holds any, the first ten lines at most.
  static func bidiWarnings(_ buf: UnsafeBufferPointer<UInt8>, file: FileID) -> [Diagnostic] {
    var out: [Diagnostic] = []
    guard let base = buf.baseAddress else { return out }
    let n = buf.count
    var i = 0
    var lastHit = -1
    while i + 2 < n {
      // Each of them starts with the byte 0xE2: jump to the next one (memchr reads many bytes at a time).
      guard let p = memchr(base + i, 0xE2, n - 2 - i) else { break }
      i = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(p))
      guard (buf[i + 1] == 0x80 && buf[i + 2] >= 0xAA && buf[i + 2] <= 0xAE) || (buf[i + 1] == 0x81 && buf[i + 2] >= 0xA6 && buf[i + 2] <= 0xA9)
      else {
        i += 1
        continue
      }
      // A line not reported yet: the first one, or a line break since the last one found.
      let newLine = lastHit < 0 || UnsafeBufferPointer(rebasing: buf[(lastHit + 3)..<i]).contains(10)
      lastHit = i
      if newLine {
        out.append(
          Diagnostic(
            .bidiControl, "this line holds a bidirectional control character, which makes it display in another order than it reads",
            at: Span(file: file, start: Int32(i), end: Int32(i + 3)),
            help: "remove it; if right-to-left text is meant, write it in a string without control characters"))
        if out.count == 10 { break }
      }
      i += 3
    }
    return out
  }
}
