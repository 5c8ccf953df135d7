import AccrueDiagnostics

extension Lexer {
  /// Bidirectional control characters (U+202A-U+202E, U+2066-U+2069) anywhere in a file, comments and strings
  /// included: they make text display in another order than it is read ("Trojan Source"), so a reviewer may see
  /// a rule that is not the one that runs. One warning per line that holds any, the first ten lines at most.
  static func bidiWarnings(_ buf: UnsafeBufferPointer<UInt8>, file: FileID) -> [Diagnostic] {
    var out: [Diagnostic] = []
    var i = 0
    var lastLineStart = -1
    var lineStart = 0
    let n = buf.count
    while i + 2 < n {
      let b = buf[i]
      if b == 10 {
        lineStart = i + 1
      } else if b == 0xE2, (buf[i + 1] == 0x80 && buf[i + 2] >= 0xAA && buf[i + 2] <= 0xAE) || (buf[i + 1] == 0x81 && buf[i + 2] >= 0xA6 && buf[i + 2] <= 0xA9) {
        if lineStart != lastLineStart {
          lastLineStart = lineStart
          out.append(
            Diagnostic(
              .bidiControl, "this line holds a bidirectional control character, which makes it display in another order than it reads",
              at: Span(file: file, start: Int32(i), end: Int32(i + 3)),
              help: "remove it; if right-to-left text is meant, write it in a string without control characters"))
          if out.count == 10 { break }
        }
        i += 3
        continue
      }
      i += 1
    }
    return out
  }
}
