import AccrueImport
import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A name is absent only when there is no such entry: a file that is there but cannot be read (a symbolic link to
/// nothing, a folder in its place, a listing that fails) is a D0103 error, never taken as no data.
@Suite("Unreadable files")
struct UnreadableFileTests {
  static func link(_ dir: TempDir, _ name: String, to target: String) throws {
    try FileManager.default.createSymbolicLink(atPath: dir.path + "/" + name, withDestinationPath: target)
  }

  static func folder(_ dir: TempDir, _ name: String) throws {
    try FileManager.default.createDirectory(atPath: dir.path + "/" + name, withIntermediateDirectories: false)
  }

  @Test("probe: absent only for no such entry")
  func probe() throws {
    let dir = TempDir()
    dir.write("real.csv", "id\n")
    try Self.link(dir, "dangling.csv", to: dir.path + "/nowhere.csv")
    try Self.link(dir, "good-link.csv", to: dir.path + "/real.csv")
    try Self.link(dir, "loop.csv", to: dir.path + "/loop.csv")
    try Self.folder(dir, "folder.csv")
    #expect(DataFolder.probe(dir.path + "/none.csv", folder: false) == .absent)
    #expect(DataFolder.probe(dir.path + "/real.csv", folder: false) == .present)
    #expect(DataFolder.probe(dir.path + "/good-link.csv", folder: false) == .present)
    #expect(DataFolder.probe(dir.path + "/folder.csv", folder: true) == .present)
    guard case .unreadable(let dangling) = DataFolder.probe(dir.path + "/dangling.csv", folder: false) else {
      Issue.record("a dangling link is not absent")
      return
    }
    #expect(dangling.contains("dangling.csv is a symbolic link to '\(dir.path)/nowhere.csv', which does not exist"))
    guard case .unreadable(let loop) = DataFolder.probe(dir.path + "/loop.csv", folder: false) else {
      Issue.record("a looping link is not absent")
      return
    }
    #expect(loop.contains("loops"))
    guard case .unreadable(let isFolder) = DataFolder.probe(dir.path + "/folder.csv", folder: false) else {
      Issue.record("a folder is not a file")
      return
    }
    #expect(isFolder.contains("folder.csv is a folder, not a file"))
    guard case .unreadable(let isFile) = DataFolder.probe(dir.path + "/real.csv", folder: true) else {
      Issue.record("a file is not a folder")
      return
    }
    #expect(isFile.contains("is not a folder"))
    // A path through a file: not "no such entry" either.
    #expect(DataFolder.probe(dir.path + "/real.csv/x.csv", folder: false) != .absent)
  }

  @Test("find: a dangling link or a folder for any table, in any format, is D0103", arguments: [DataFormat.csv, .json, .jsonl])
  func find(_ format: DataFormat) throws {
    let dir = TempDir()
    let names = [
      "customers", "contracts", "contract_changes", "usage", "invoices", "promises", "payment_plans", "holidays", "reminders",
      "payments", "accounts",
    ]
    for name in names {
      let file = name + "." + format.rawValue
      try Self.link(dir, file, to: dir.path + "/gone/" + file)
      switch DataFolder.find(name, in: dir.path) {
      case .success(let f): Issue.record("\(file): a dangling link was taken as \(f.map { "\($0)" } ?? "absent")")
      case .failure(let issue):
        #expect(issue.code == "D0103")
        #expect(issue.file == dir.path + "/" + file)
        #expect(issue.message.contains("\(file) is a symbolic link"), "\(issue.message)")
      }
      #expect(DataFolder.exists(name, in: dir.path))
      try FileManager.default.removeItem(atPath: dir.path + "/" + file)
      try Self.folder(dir, file)
      switch DataFolder.find(name, in: dir.path) {
      case .success: Issue.record("\(file): a folder was taken as a table")
      case .failure(let issue):
        #expect(issue.code == "D0103")
        #expect(issue.message.contains("is a folder, not a file"))
      }
      try FileManager.default.removeItem(atPath: dir.path + "/" + file)
      #expect(try DataFolder.find(name, in: dir.path).get() == nil)
    }
  }

  @Test("statements/: absent, a folder, or D0103 (a dangling link, a file, a listing that fails)")
  func statements() throws {
    let dir = TempDir()
    #expect(try DataFolder.statementFiles(in: dir.path).get() == [])
    try Self.link(dir, "statements", to: dir.path + "/elsewhere")
    #expect(DataFolder.statementFiles(in: dir.path).failure?.message.contains("statements is a symbolic link") == true)
    try FileManager.default.removeItem(atPath: dir.path + "/statements")
    dir.write("statements", "not a folder")
    let file = DataFolder.statementFiles(in: dir.path).failure
    #expect(file?.code == "D0103")
    #expect(file?.file == dir.path + "/statements")
    #expect(file?.message.contains("statements is not a folder") == true)
    try FileManager.default.removeItem(atPath: dir.path + "/statements")
    try Self.folder(dir, "statements")
    dir.write("statements/b.xml", "")
    dir.write("statements/a.sta", "")
    dir.write("statements/.DS_Store", "")
    #expect(try DataFolder.statementFiles(in: dir.path).get() == [dir.path + "/statements/a.sta", dir.path + "/statements/b.xml"])
    // Opening the folder fails (too many open files, as under load): an error, not "no statements".
    let emfile = DataFolder.statementFiles(in: dir.path, list: { _ in .failure(Errno(code: EMFILE)) }).failure
    #expect(emfile?.code == "D0103")
    #expect(emfile?.message.contains("cannot list the statement files in statements/: Too many open files") == true)
    #expect(emfile?.message.contains("ulimit -n") == true)
    let denied = DataFolder.statementFiles(in: dir.path, list: { _ in .failure(Errno(code: EACCES)) }).failure
    #expect(denied?.message.contains("Permission denied") == true)
  }

  @Test("a statement file that cannot be read is D0103 with the reason")
  func statementFile() throws {
    let dir = TempDir()
    try Self.link(dir, "gone.xml", to: dir.path + "/gone-target.xml")
    try Self.folder(dir, "sub")
    for name in ["gone.xml", "sub", "absent.xml"] {
      switch BankStatements.read(path: dir.path + "/" + name) {
      case .success: Issue.record("\(name) was read")
      case .failure(let e):
        #expect(e.code == "D0103", "\(name)")
        #expect(e.line == 0)
      }
    }
    #expect(BankStatements.read(path: dir.path + "/gone.xml").failure?.message.contains("symbolic link") == true)
    #expect(BankStatements.read(path: dir.path + "/sub").failure?.message.contains("is a folder, not a file") == true)
    #expect(BankStatements.read(path: dir.path + "/absent.xml").failure?.message == "no such file")
  }
}
