@testable import AccrueRender
import AccrueBilling
import AccrueCash
import AccrueChecker
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueParser
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

/// Text renderers on engine results.
@Suite("Renderers")
struct RendererTests {
  /// A covered invoice's number is shown beside its id when it differs, an empty one as "()" (as reminders
  /// always showed it); the same number as the id is not repeated.
  @Test("a reminder shows a covered invoice's other number, an empty one too")
  func reminderNumbers() throws {
    let load = RuleSetLoader.load(root: "rules", files: [("rules.accrue", "cadence c {\n  step first 1 days after due { send email \"x\" }\n}\n")])
    let (results, diags) = Frontend.check(load)
    try #require(!diags.contains { $0.severity == .error })
    let plan = PlanCompiler.compile(results[0].1.program, sources: load.sources)
    let dir = TemporaryPaths.url("accrue-render")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try "id,name\nc1,Acme\n".write(to: dir.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
    try "id,number,customer,issue_date,due_date,currency,amount\ni1,i1,c1,2026-01-01,2026-02-01,USD,100\ni2,N-2,c1,2026-01-01,2026-02-02,USD,100\n"
      .write(to: dir.appendingPathComponent("invoices.csv"), atomically: true, encoding: .utf8)
    var (data, issues) = Dataset.load(folder: dir.path, plan: plan)
    try #require(issues.isEmpty, "\(issues)")
    let asOf = try #require(CivilDate.parse("2026-03-01"))
    let texts = { (data: Dataset) in
      Collections.run(plan: plan, data: data, asOf: asOf).reminders.map { ReminderRenderer.text($0, explaining: false) }.joined()
    }
    let text = texts(data)
    #expect(text.contains("    invoice i1                             due 2026-02-01"))
    #expect(text.contains("    invoice i2 (N-2)                       due 2026-02-02"))
    data.invoices[0].number = ""
    #expect(texts(data).contains("    invoice i1 ()                          due 2026-02-01"))
  }
}

/// The renderers' byte buffer: pieces of any size, growing past its first capacity, padding, one string at the end.
@Suite("Text buffer")
struct TextBufferTests {
  @Test func growsAndKeepsEveryByte() {
    var t = TextBuffer(capacity: 1)
    var expected = ""
    for k in 0..<500 {
      let piece = String(repeating: "ab", count: k % 37) + "é\(k)"
      t.put(piece)
      t.spaces(k % 5)
      t.pad("x", 3)
      t.lpad("12", 4)
      expected += piece + String(repeating: " ", count: k % 5) + "x  " + "  12"
    }
    t.put("")
    t.spaces(-3)
    #expect(t.count == expected.utf8.count)
    #expect(t.string == expected)
  }
}
