import AccrueBilling
import AccrueCLI
import AccrueCash
import AccrueCollections
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRun
import AccrueTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `accrue apply` killed with SIGKILL at every fault point and at random moments: the journal and the run
/// folders stay consistent, nothing is recorded twice, and finishing the run gives exactly what one clean
/// apply gives.
@Suite("apply: crash safety", .serialized)
struct ApplyCrashTests {
  static let root = CLITests.repoRoot

  /// The `accrue` executable built next to the test bundle.
  static var binary: String {
    let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [here, here.deletingLastPathComponent()] {
      let p = dir.appendingPathComponent("accrue").path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return root.appendingPathComponent(".build/debug/accrue").path
  }

  /// Runs `accrue apply` on the bundled example; returns the termination status and reason.
  static func apply(_ base: String, fault: Int? = nil, killAfterMicroseconds: UInt32? = nil) throws -> (Int32, Process.TerminationReason) {
    try launch(
      [
        "apply", "--rules", root.appendingPathComponent("rules").path, "--data", root.appendingPathComponent("examples/data").path,
        "--as-of", "2026-11-01", "--state", base + "/state", "--out", base + "/out",
      ], fault: fault, killAfterMicroseconds: killAfterMicroseconds)
  }

  /// Runs the built binary with `arguments`, stopped at fault point `fault` (ACCRUE_FAULT_AT) or killed after the
  /// given time; its status and how it ended.
  static func launch(_ arguments: [String], fault: Int?, killAfterMicroseconds: UInt32? = nil) throws -> (Int32, Process.TerminationReason) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: binary)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    if let fault { env["ACCRUE_FAULT_AT"] = String(fault) }
    p.environment = env
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    if let us = killAfterMicroseconds {
      usleep(us)
      kill(p.processIdentifier, SIGKILL)
    }
    p.waitUntilExit()
    return (p.terminationStatus, p.terminationReason)
  }

  /// Keys listed in a run folder's JSON files.
  static func keys(inFolder dir: String) throws -> [String] {
    var out: [String] = []
    let inv = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/invoices.json"))) as? [String: Any]
    for i in inv?["invoices"] as? [[String: Any]] ?? [] { out.append(i["key"] as? String ?? "?") }
    let rem = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/reminders.json"))) as? [[String: Any]]
    for r in rem ?? [] { out.append(r["key"] as? String ?? "?") }
    let cash = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/cash_applications.json"))) as? [[String: Any]]
    for m in cash ?? [] { out.append(m["key"] as? String ?? "?") }
    return out
  }

  /// Checks the state and output folders agree; returns every recorded key (in journal order).
  static func consistent(_ base: String) throws -> [String] {
    // Committed runs, read back from the ledger (SQLite: a transaction is there whole or not at all).
    let journal = try LedgerStore.read(stateDir: base + "/state")
    let recorded = journal.items.map(\.key)
    let folders = journal.runs.map { ($0.folder, $0.items.map(\.key)) }
    #expect(Set(recorded).count == recorded.count, "a key recorded twice")
    // The run's journal entries are in the same transaction: a committed run has all 87 (52 invoices, a debit note, 6 payments posted, 28 periods of revenue recognized), each event once.
    let events = journal.runs.flatMap(\.journalEntries).map(\.event)
    #expect(Set(events).count == events.count, "an event posted twice")
    #expect(journal.runs.allSatisfy { $0.items.isEmpty || $0.journalEntries.count == 87 }, "a run without its 87 entries")
    for (folder, items) in folders {
      let dir = base + "/out/" + folder
      #expect(FileManager.default.fileExists(atPath: dir), "committed run \(folder) has no folder")
      for f in [
        "invoices.json", "invoices.csv", "reminders.json", "reminders.csv", "actions.csv", "cash_applications.json", "cash_applications.csv",
        "exceptions.csv",
      ] {
        #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(folder)/\(f) missing")
      }
      #expect(try keys(inFolder: dir).sorted() == items.sorted(), "\(folder): files and journal disagree")
    }
    return recorded
  }

  static func fresh() -> String {
    TemporaryPaths.make("accrue-crash")
  }

  @Test("killed at each fault point: consistent, and finishing gives exactly one clean run")
  func faultPoints() throws {
    let clean = Self.fresh()
    let (status, _) = try Self.apply(clean)
    #expect(status == 0)
    let reference = try Self.consistent(clean)
    #expect(reference.count == 71)  // 52 invoices, 1 debit note (a late fee), 11 reminders, 7 matches
    // (The run folder's mark, `.accrue-run`, names its state folder's id: it differs between two state folders.)
    let referenceFiles = try FileManager.default.contentsOfDirectory(atPath: clean + "/out/run-0001-2026-11-01").filter { !$0.hasPrefix(".") }.sorted()
    // Before and after each step: the temporary folder, each file (8 tables, and the outbox's), its sync, the
    // rename, the output folder's sync, the journal half written, then whole, then the state folder's sync.
    #expect(referenceFiles.count == 12, "\(referenceFiles)")
    for point in 1...(referenceFiles.count + 7) {
      let base = Self.fresh()
      let (_, reason) = try Self.apply(base, fault: point)
      #expect(reason == .uncaughtSignal, "point \(point): the process was not stopped")
      let before = try Self.consistent(base)
      #expect(before.isEmpty || before.sorted() == reference.sorted(), "point \(point): partial run recorded")
      let (again, _) = try Self.apply(base)
      #expect(again == 0)
      let after = try Self.consistent(base)
      #expect(after.sorted() == reference.sorted(), "point \(point)")
      #expect(try FileManager.default.contentsOfDirectory(atPath: base + "/out").filter { !$0.hasPrefix(".") } == ["run-0001-2026-11-01"])
      for f in referenceFiles {
        let a = try Data(contentsOf: URL(fileURLWithPath: clean + "/out/run-0001-2026-11-01/" + f))
        let b = try Data(contentsOf: URL(fileURLWithPath: base + "/out/run-0001-2026-11-01/" + f))
        #expect(a == b, "point \(point): \(f) differs from a clean run")
      }
    }
  }

  @Test(
    "killed between two writes the fault points do not separate: the next apply finishes the run",
    arguments: ["the temporary folder made, its mark not yet written", "the out folder's mark cut short (an older version)"])
  func betweenFaultPoints(_ state: String) throws {
    // Fault point 1 stops the process right after the temporary run folder and its mark were made; the state a
    // kill a moment earlier leaves is made from there.
    let base = Self.fresh()
    let (_, reason) = try Self.apply(base, fault: 1)
    #expect(reason == .uncaughtSignal)
    let fm = FileManager.default
    if state.hasPrefix("the temporary") {
      let tmp = try #require(try fm.contentsOfDirectory(atPath: base + "/out").first { $0.hasPrefix(".tmp-run-") })
      try fm.removeItem(atPath: base + "/out/" + tmp + "/.accrue-run")
    } else {
      try Data().write(to: URL(fileURLWithPath: base + "/out/.accrue-out"))
    }
    let (status, _) = try Self.apply(base)
    #expect(status == 0, "\(state): the next apply failed")
    #expect(try Self.consistent(base).count == 71)
    #expect(try fm.contentsOfDirectory(atPath: base + "/out").filter { !$0.hasPrefix(".") } == ["run-0001-2026-11-01"])
  }

  @Test("there is no 20th fault point: the test above covers them all (8 tables and 4 outbox files)")
  func faultPointCount() throws {
    let base = Self.fresh()
    let (status, reason) = try Self.apply(base, fault: 20)
    #expect(status == 0 && reason == .exit)
  }

  @Test("killed at random moments, again and again: never a duplicate, never a half-recorded run")
  func randomKills() throws {
    let base = Self.fresh()
    var generator = SplitMix(seed: 20_261_122)
    for _ in 0..<12 {
      _ = try Self.apply(base, killAfterMicroseconds: UInt32(generator.next() % 400_000))
      _ = try Self.consistent(base)
    }
    let (status, _) = try Self.apply(base)
    #expect(status == 0)
    #expect(try Self.consistent(base).count == 71)
    let (second, _) = try Self.apply(base)
    #expect(second == 0)
    #expect(try Self.consistent(base).count == 71)
  }
}

/// A small seeded generator (deterministic test timings).
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
