import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// The outbox of a run folder: messages for a delivery system, one JSON Lines file per channel, each message with
/// a stable id, matching what the run's reminders and exceptions say.
@Suite("Outbox files")
struct OutboxTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func lines(_ path: String) throws -> [[String: Any]] {
    guard FileManager.default.fileExists(atPath: path) else { return [] }
    return try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
      try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  @Test("the example company's run: every reminder message once, every task and payment held for review as a task and a chat payload")
  func exampleRun() throws {
    let base = TemporaryPaths.make("outbox")
    let (s, _, e) = CLITests.run([
      "apply", "--rules", Self.root.path + "/rules", "--data", Self.root.path + "/examples/data", "--as-of", "2026-11-01", "--state",
      base + "/state", "--out", base + "/out",
    ])
    try #require(s == 0, "\(e)")
    let run = base + "/out/run-0001-2026-11-01/"
    let reminders = try #require(
      try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run + "reminders.json"))) as? [[String: Any]])
    var expected: [String: Int] = [:]
    var tasks = 0
    for r in reminders {
      for m in r["messages"] as? [[String: Any]] ?? [] { expected[m["channel"] as? String ?? "", default: 0] += 1 }
      tasks += (r["actions"] as? [[String: Any]] ?? []).filter { ["task", "escalate", "suspend service", "write-off proposal", "agency"].contains($0["kind"] as? String) }.count
    }
    var ids = Set<String>()
    for channel in ["email", "letter", "sms"] {
      let list = try Self.lines(run + "outbox-\(channel).jsonl")
      #expect(list.count == expected[channel] ?? 0, "\(channel)")
      for m in list {
        #expect(m["channel"] as? String == channel && !(m["to"] as? [String] ?? []).isEmpty && m["template"] != nil)
        #expect(ids.insert(m["id"] as? String ?? "").inserted, "id twice: \(m["id"] ?? "")")
      }
    }
    #expect(!(try Self.lines(run + "outbox-email.jsonl")).isEmpty)
    let held = try String(contentsOfFile: run + "exceptions.csv", encoding: .utf8).split(separator: "\r\n").count - 1
    let taskLines = try Self.lines(run + "outbox-task.jsonl")
    #expect(taskLines.count == tasks + held)
    #expect(taskLines.filter { $0["kind"] as? String == "cash review" }.count == held)
    // The payments held for review come in the order of their keys' UTF-8 bytes (what sorting them by
    // `utf8Precedes` gives).
    let reviewed = taskLines.filter { $0["kind"] as? String == "cash review" }.map { $0["subject"] as? String ?? "" }
    #expect(held > 1 && reviewed == reviewed.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    #expect(taskLines.allSatisfy { !($0["assigned_to"] as? String ?? "").isEmpty })
    let chat = try Self.lines(run + "outbox-chat.jsonl")
    #expect(chat.map { $0["id"] as? String ?? "" } == taskLines.map { ($0["id"] as? String ?? "") + "#chat" })
    #expect(chat.allSatisfy { (($0["payload"] as? [String: Any])?["text"] as? String)?.isEmpty == false })
    // The ledger keeps why each payment waits: `accrue exceptions` says it without the run folder.
    let (_, waiting, _) = CLITests.run(["exceptions", "--state", base + "/state"])
    #expect(waiting.contains("held in cash-apps: Short payment against a named invoice (2.10 USD short of INV-2026-0048), 417.90 USD unapplied; candidates INV-2026-0048"), "\(waiting)")
  }
}
