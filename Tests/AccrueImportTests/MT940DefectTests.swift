import AccrueCore
import AccrueImport
import AccrueModel
import Foundation
import Testing

/// MT940 defects of issue 23 (item 5, references; item 7 is in the renderer's summary line).
@Suite("MT940 defects")
struct MT940DefectTests {
  static func statement(_ line61: String, _ info: String) -> String {
    ":20:S\n:60F:C261230EUR0,00\n:61:\(line61)\n:86:\(info)\n:62F:C261231EUR10,00\n-\n"
  }

  @Test("MT940: a padded NONREF and a bare KREF+ are no reference; an empty EREF+ subfield is empty")
  func noReference() throws {
    for line in ["2612311231C10,00NTRFNONREF    //B-1", "2612311231C10,00NMSCKREF+//B-1", "2612311231C10,00NTRFNOTPROVIDED//B-1"] {
      let list = try BankStatements.parse(bytes: Array(Self.statement(line, "166?00GUTSCHRIFT?20EREF+?21SVWZ+INV-1").utf8), path: "s.sta").get()
      #expect(list.map(\.endToEndID) == [""], "\(line)")
      #expect(list.map(\.bankReference) == ["B-1"])
    }
    let padded = try BankStatements.parse(bytes: Array(Self.statement("2612311231C10,00NTRFNONREF", "166?20EREF+NONREF   ?21SVWZ+INV-1").utf8), path: "s.sta").get()
    #expect(padded.map(\.endToEndID) == [""] && padded.map(\.remittance) == ["INV-1"])
  }
}
