/// What a camt file's bytes must be kept from before FoundationXML's `XMLParser` reads them.
///
/// On Linux, `XMLParser` (swift-corelibs-foundation over libxml2) crashes the process on a processing instruction
/// without data, `<?name?>`: libxml2 reports its data as a null pointer, which the Swift callback reads as a C
/// string (SIGSEGV in strlen; found by fuzzing, Tests/Fuzz/Regressions/camt). With data, even empty (`<?name ?>`),
/// it is read safely, and a camt statement's meaning never depends on processing instructions.
///
/// libxml2 goes on after many errors from wherever it stands (after a broken XML declaration, from the next `>`),
/// so where an instruction may start cannot be told from the bytes: every `<?`, a name and `?>` gets a space
/// before its `?>`, wherever it is (lines unchanged; in a comment it changes nothing, in a CDATA section the text
/// gets the space). An entity declaration is refused wherever it is: an entity could carry such an instruction
/// in a form no scan of the bytes sees (`&#60;?x?>`). `Camt.entityDeclaration` names the one in a well-formed
/// prolog; this catches any other libxml2 might still read after an error. A DOCTYPE without entities reads.
enum XMLGuard {
  /// The bytes to parse, or the line of an entity declaration.
  static func prepare(_ b: [UInt8]) -> Result<[UInt8], EntityFound> {
    let n = b.count
    let lt = UInt8(ascii: "<"), q = UInt8(ascii: "?"), gt = UInt8(ascii: ">")
    let entity = Array("<!ENTITY".utf8)
    var insertAt: [Int] = []
    var i = 0
    while i + 1 < n {
      if b[i] == lt && b[i + 1] == UInt8(ascii: "!") && i + entity.count <= n && b[i..<(i + entity.count)].elementsEqual(entity) {
        return .failure(EntityFound(line: b[..<i].reduce(1) { $0 + ($1 == 10 ? 1 : 0) }))
      }
      if b[i] == lt && b[i + 1] == q {
        // The name: up to a blank or a '?' (libxml2's ends there or before, and then its data is not null).
        var k = i + 2
        while k < n, b[k] != q, b[k] != 0x20, b[k] != 0x09, b[k] != 0x0A, b[k] != 0x0D { k += 1 }
        if k > i + 2 && k + 1 < n && b[k] == q && b[k + 1] == gt { insertAt.append(k) }
      }
      i += 1
    }
    guard !insertAt.isEmpty else { return .success(b) }
    var out: [UInt8] = []
    out.reserveCapacity(n + insertAt.count)
    var from = 0
    for k in insertAt {
      out.append(contentsOf: b[from..<k])
      out.append(0x20)
      from = k
    }
    out.append(contentsOf: b[from...])
    return .success(out)
  }

  /// An entity declaration, at its line.
  struct EntityFound: Error {
    var line: Int
  }
}
