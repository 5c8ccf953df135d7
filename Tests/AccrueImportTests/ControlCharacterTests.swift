import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// A NUL byte or another control character (but tab, CR and LF) in a data field is an error at its place, naming
/// the column: data files hold text, and such a byte means a UTF-16, padded or binary file.
@Suite("Control characters in data")
struct ControlCharacterTests {
  static let schema = Schemas.single(.text)

  /// Reads `id,v` then one record whose `v` field is `before + control + after` (quoted when asked).
  static func read(_ control: [UInt8], before: String, after: String, quoted: Bool, blockSize: Int = 1 << 20) -> (rows: [Row], issues: [DataIssue]) {
    var bytes = Array("id,v\nr1,".utf8)
    if quoted { bytes.append(34) }
    bytes += Array(before.utf8) + control + Array(after.utf8)
    if quoted { bytes.append(34) }
    bytes += Array("\nr2,fine\n".utf8)
    return readBytes(bytes, schema: schema, options: ReadOptions(blockSize: blockSize))
  }

  @Test(
    "each control character, anywhere in a field, quoted or not, is D0101 at its column",
    arguments: [[0x00], [0x01], [0x08], [0x0B], [0x0C], [0x1A], [0x1B], [0x1F], [0x7F], [0xC2, 0x85], [0xC2, 0x9F]] as [[UInt8]])
  func everyControl(_ control: [UInt8]) {
    for (before, after) in [("", ""), ("", "tail"), ("ab", "cd"), ("0123456789abcdef", "0123456789abcdef"), ("long text before it", "")] {
      for quoted in [false, true] {
        for blockSize in [16, 1 << 20] {
          let r = Self.read(control, before: before, after: after, quoted: quoted, blockSize: blockSize)
          let column = 4 + (quoted ? 1 : 0) + before.count
          #expect(wheres(r.issues) == ["t.csv:2:\(column) D0101"], "\(control) \(before)|\(after) quoted \(quoted) block \(blockSize)")
          #expect(r.issues.first?.message.contains("control character U+00") == true)
          #expect(r.issues.first?.message.contains("in column 'v'") == true)
          #expect(r.rows.map(\.line) == [3], "the bad row is not delivered, the next one is")
        }
      }
    }
  }

  @Test("the message names the character and says what to do; the record shown escapes it")
  func message() throws {
    let nul = Self.read([0], before: "INV", after: "", quoted: false).issues
    let issue = try #require(nul.first)
    #expect(
      issue.message
        == "control character U+0000 (NUL) in column 'v'; a NUL usually means the file was saved as UTF-16 or padded by a binary tool: save it as UTF-8 text")
    #expect(issue.record == "r1,INV\\u{0}")
    let esc = Self.read([0x1B], before: "", after: "[2J", quoted: true).issues
    #expect(esc.first?.message.hasPrefix("control character U+001B (ESC) in column 'v'; data files hold text only") == true)
    #expect(esc.first?.record == "r1,\"\\u{1b}[2J\"")
  }

  @Test("tab, CR and LF are still text; so is a lone CR, and line breaks inside quotes")
  func allowed() {
    let r = readText("id,v\nr1,a\tb\nr2,\"two\r\nlines\"\nr3,\"x\ny\"\nr4,lone\rcr\n", schema: Self.schema)
    #expect(r.issues.isEmpty, "\(wheres(r.issues))")
    #expect(r.rows.count == 4)
    #expect(r.rows[0].values[1] == .text("a\tb"))
  }

  @Test("a control character in the header, or in a column of another type, is located too")
  func headerAndTypes() {
    let header = readBytes(Array("id,v".utf8) + [0] + Array("\nr1,x\n".utf8), schema: Self.schema)
    #expect(wheres(header.issues).contains("t.csv:1:5 D0101"), "\(wheres(header.issues))")
    #expect(header.issues.first?.message.contains("in the header row") == true)
    let amount = readBytes(Array("id,currency,amount\nr1,USD,12.50".utf8) + [0] + Array("\n".utf8), schema: Schemas.money)
    #expect(wheres(amount.issues) == ["t.csv:2:13 D0101"])
    #expect(amount.issues.first?.message.contains("in column 'amount'") == true)
  }

  @Test("the fast reader of whole tables hands such a line to the general one: same issue")
  func plainPath() {
    let bytes = Array("id,v\nr1,ok\nr2,a".utf8) + [0] + Array("b\nr3,ok\n".utf8)
    var issues: [DataIssue] = []
    var fast: [Int] = []
    var general: [Int] = []
    PlainCSV.read(
      bytes: bytes, path: "t.csv", schema: Self.schema, onIssue: { issues.append($0) },
      fast: { _, line in
        fast.append(line)
        return true
      }, general: { general.append($0.line) })
    #expect(wheres(issues) == ["t.csv:3:5 D0101"])
    #expect(fast == [2, 4])
    #expect(general.isEmpty)
  }

  @Test("JSON: an escape for a control character (\\u0000, \\b, \\f) is D0102 at the escape")
  func json() {
    for escape in ["\\u0000", "\\u001b", "\\u007F", "\\u0085", "\\b", "\\f"] {
      let r = readText("[{\"id\": \"r1\", \"v\": \"ab\(escape)cd\"},\n{\"id\": \"r2\", \"v\": \"fine\\tok\\n\"}]", name: "t.json", schema: Self.schema)
      #expect(wheres(r.issues) == ["t.json:1:23 D0102"], "\(escape)")
      #expect(r.issues.first?.message.contains("control character U+00") == true)
      #expect(r.rows.map(\.line) == [2])
    }
  }
}
