/// What a camt file's bytes must be kept from before FoundationXML's `XMLParser` reads them.
///
/// On Linux, `XMLParser` (swift-corelibs-foundation over libxml2) crashes the process on a processing instruction
/// without data, `<?name?>`: libxml2 reports its data as a null pointer, which the Swift callback reads as a C
/// string (SIGSEGV in strlen; found by fuzzing, Tests/Fuzz/Regressions/camt). With data, even empty (`<?name ?>`),
/// it is read safely, and a camt statement's meaning never depends on processing instructions. So every such
/// instruction gets a space before its `?>` (lines and everything else unchanged). A DOCTYPE declaration is
/// refused: a camt file has none (ISO 20022 messages are defined by XML Schema), and its entities could carry
/// such an instruction in a form no scan of the bytes sees (`&#60;?x?>`).
enum XMLGuard {
  /// The bytes to parse, or the line of a DOCTYPE declaration. Comments and CDATA sections are left as they are.
  static func prepare(_ b: [UInt8]) -> Result<[UInt8], DoctypeFound> {
    var out: [UInt8] = []
    out.reserveCapacity(b.count + 16)
    var i = 0
    let n = b.count
    func starts(_ s: StaticString, at k: Int) -> Bool {
      let len = s.utf8CodeUnitCount
      guard k + len <= n else { return false }
      return s.withUTF8Buffer { p in (0..<len).allSatisfy { b[k + $0] == p[$0] } }
    }
    /// Copies from `i` through the end of `close` (or to the end of the input).
    func copyThrough(_ close: StaticString, from body: Int) {
      var k = body
      while k < n && !starts(close, at: k) { k += 1 }
      let end = min(n, k + close.utf8CodeUnitCount)
      out.append(contentsOf: b[i..<end])
      i = end
    }
    while i < n {
      guard b[i] == UInt8(ascii: "<"), i + 1 < n else {
        out.append(b[i])
        i += 1
        continue
      }
      if starts("<!--", at: i) {
        copyThrough("-->", from: i + 4)
      } else if starts("<![CDATA[", at: i) {
        copyThrough("]]>", from: i + 9)
      } else if starts("<!DOCTYPE", at: i) {
        return .failure(DoctypeFound(line: b[..<i].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }))
      } else if b[i + 1] == UInt8(ascii: "?") {
        // The target: up to a blank or a '?' (libxml2's name ends there or before).
        var k = i + 2
        while k < n, b[k] != UInt8(ascii: "?"), b[k] != 0x20, b[k] != 0x09, b[k] != 0x0A, b[k] != 0x0D { k += 1 }
        out.append(contentsOf: b[i..<k])
        if k > i + 2 && starts("?>", at: k) { out.append(0x20) }
        i = k
        copyThrough("?>", from: k)
      } else {
        out.append(b[i])
        i += 1
      }
    }
    return .success(out)
  }

  /// A DOCTYPE declaration, at its line.
  struct DoctypeFound: Error {
    var line: Int
  }
}
