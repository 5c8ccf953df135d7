import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// An optional data file that is there but cannot be read stops `plan` and `apply` with a located D0103 error and
/// nothing produced: only a name with no entry at all is "not given".
@Suite("Unreadable data files")
struct UnreadableDataTests {
  static let root = CLITests.repoRoot
  static let tables = [
    "customers", "contracts", "contract_changes", "usage", "invoices", "promises", "payment_plans", "holidays", "reminders",
    "payments", "accounts",
  ]

  /// A copy of the bundled example data (without its broken copies).
  static func data() throws -> String {
    let dir = TemporaryPaths.make("accrue-unreadable")
    try FileManager.default.copyItem(atPath: root.appendingPathComponent("examples/data").path, toPath: dir)
    try FileManager.default.removeItem(atPath: dir + "/bad")
    return dir
  }

  static func plan(_ data: String) -> (Int32, String, String) {
    CLITests.run(["plan", "--rules", root.appendingPathComponent("rules").path, "--data", data, "--as-of", "2026-11-01"])
  }

  @Test("a dangling link or a folder in place of any table, in any format, stops the run")
  func tablesUnreadable() throws {
    let data = try Self.data()
    let fm = FileManager.default
    #expect(Self.plan(data).0 == 0)
    for name in Self.tables {
      let saved = data + "/" + name + ".saved"
      try fm.moveItem(atPath: data + "/" + name + ".csv", toPath: saved)
      for format in ["csv", "json", "jsonl"] {
        let file = name + "." + format
        let path = data + "/" + file
        try fm.createSymbolicLink(atPath: path, withDestinationPath: data + "/moved-away/" + file)
        var (status, out, err) = Self.plan(data)
        #expect(status == 1, "\(file) as a dangling link: \(status)")
        #expect(out.isEmpty, "\(file): something was produced")
        #expect(err.contains("\(path):0:0: error[D0103]: \(file) is a symbolic link to '\(data)/moved-away/\(file)', which does not exist"), "\(err)")
        #expect(err.contains("nothing was produced"))
        try fm.removeItem(atPath: path)
        try fm.createDirectory(atPath: path, withIntermediateDirectories: false)
        (status, out, err) = Self.plan(data)
        #expect(status == 1, "\(file) as a folder: \(status)")
        #expect(err.contains("\(path):0:0: error[D0103]: \(file) is a folder, not a file"), "\(err)")
        try fm.removeItem(atPath: path)
      }
      try fm.moveItem(atPath: saved, toPath: data + "/" + name + ".csv")
    }
    #expect(Self.plan(data).0 == 0)
  }

  @Test("statements/ as a dangling link, a file, or holding a file that does not open, stops the run")
  func statementsUnreadable() throws {
    let data = try Self.data()
    let fm = FileManager.default
    let dir = data + "/statements"
    try fm.moveItem(atPath: dir, toPath: data + "/statements.saved")
    try fm.createSymbolicLink(atPath: dir, withDestinationPath: data + "/gone")
    var (status, _, err) = Self.plan(data)
    #expect(status == 1)
    #expect(err.contains("\(dir):0:0: error[D0103]: statements is a symbolic link to '\(data)/gone', which does not exist"), "\(err)")
    try fm.removeItem(atPath: dir)
    try "camt".write(toFile: dir, atomically: true, encoding: .utf8)
    (status, _, err) = Self.plan(data)
    #expect(status == 1)
    #expect(err.contains("\(dir):0:0: error[D0103]: statements is not a folder"), "\(err)")
    try fm.removeItem(atPath: dir)
    try fm.moveItem(atPath: data + "/statements.saved", toPath: dir)
    try fm.createSymbolicLink(atPath: dir + "/late.xml", withDestinationPath: data + "/not-delivered.xml")
    (status, _, err) = Self.plan(data)
    #expect(status == 1)
    #expect(err.contains("\(dir)/late.xml:0:0: error[D0103]: late.xml is a symbolic link"), "\(err)")
    try fm.removeItem(atPath: dir + "/late.xml")
    try fm.createDirectory(atPath: dir + "/2026-10", withIntermediateDirectories: false)
    (status, _, err) = Self.plan(data)
    #expect(status == 1)
    #expect(err.contains("\(dir)/2026-10:0:0: error[D0103]: 2026-10 is a folder, not a file"), "\(err)")
  }

  @Test("apply with an unreadable statements/ writes nothing and records nothing")
  func applyWritesNothing() throws {
    let data = try Self.data()
    let fm = FileManager.default
    try fm.removeItem(atPath: data + "/statements")
    try fm.createSymbolicLink(atPath: data + "/statements", withDestinationPath: data + "/gone")
    let base = TemporaryPaths.make("accrue-unreadable-apply")
    let (status, _, err) = CLITests.run([
      "apply", "--rules", Self.root.appendingPathComponent("rules").path, "--data", data, "--as-of", "2026-11-01", "--state",
      base + "/state", "--out", base + "/out",
    ])
    #expect(status == 1)
    #expect(err.contains("error[D0103]: statements is a symbolic link"), "\(err)")
    let written = (try? fm.contentsOfDirectory(atPath: base + "/out")) ?? []
    #expect(written.isEmpty, "\(written)")
    #expect(!fm.fileExists(atPath: base + "/state/ledger.sqlite"))
  }
}

/// Statement files in `statements/` made to break the importers: `plan` stops with a located error.
@Suite("Hostile statements in a data folder")
struct HostileStatementFolderTests {
  @Test("a statement that does not reconcile: plan warns with its location and goes on; --strict stops it")
  func doesNotReconcile() throws {
    let data = try UnreadableDataTests.data()
    let file = data + "/statements/mt940.sta"
    try ":20:S-9\n:25:DE89370400440532013000\n:60F:C261030EUR100,00\n:61:2610311031C10,00NTRFNONREF//B-1\n:86:INV-X\n:62F:C261031EUR100,00\n-\n"
      .write(toFile: file, atomically: true, encoding: .utf8)
    let (status, out, err) = UnreadableDataTests.plan(data)
    #expect(status == 0 && !out.isEmpty)
    #expect(err.contains("warning: \(file):6:1: D0320: the statement S-9 of account DE89370400440532013000 does not reconcile"), "\(err)")
    let (strict, strictOut, strictErr) = CLITests.run(
      ["plan", "--rules", UnreadableDataTests.root.appendingPathComponent("rules").path, "--data", data, "--as-of", "2026-11-01", "--strict"])
    #expect(strict == 1 && strictOut.isEmpty)
    #expect(strictErr.contains("D0320") && strictErr.contains("nothing was produced"), "\(strictErr)")
  }

  @Test("a camt file nested 50,000 deep stops plan with D0105, no crash")
  func deepCamt() throws {
    let data = try UnreadableDataTests.data()
    let n = 50_000
    let text =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">\n<BkToCstmrStmt>"
      + String(repeating: "<a>", count: n) + String(repeating: "</a>", count: n) + "</BkToCstmrStmt></Document>\n"
    try text.write(toFile: data + "/statements/deep.xml", atomically: true, encoding: .utf8)
    let (status, out, err) = UnreadableDataTests.plan(data)
    #expect(status == 1)
    #expect(out.isEmpty)
    #expect(err.contains("\(data)/statements/deep.xml:3:1: error[D0105]: elements nested deeper than 100 levels"), "\(err)")
  }
}
