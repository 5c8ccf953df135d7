import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue diff --base OLD --rules NEW --data DIR --as-of DATE`: the business impact of a rule change.
enum DiffCommand {
  static let spec = CommandSpec(
    name: "diff", abstract: "Run two versions of the rules on the same data and show what changes (invoices, reminders, matches).",
    arguments: [], minPositionals: 0, maxPositionals: 0,
    options: [
      OptionSpec(long: "base", short: nil, value: "old", help: "The old rules: a folder, or a git revision of the --rules folder (HEAD~1, main)."),
      OptionSpec(long: "rules", short: nil, value: "dir", help: "The new rules folder."),
      OptionSpec(long: "data", short: nil, value: "dir", help: "The data folder both versions run on."),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "The run date, YYYY-MM-DD."),
      OptionSpec(long: "since", short: nil, value: "date", help: "Bill the billing dates after this date (default: one month before --as-of)."),
      OptionSpec(long: "format", short: nil, value: "format", help: "Output format.", choices: ["text", "json"], defaultValue: "text"),
    ],
    discussion: "Exits 0 when nothing changes, 2 when something does, 1 on errors, 64 on a usage error.")

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    guard let base = args.value("base") else {
      return CLI.usageError(UsageError(message: "Missing value for '--base <old>'", command: spec), io: io)
    }
    guard let rules = args.value("rules") else {
      return CLI.usageError(UsageError(message: "Missing value for '--rules <dir>'", command: spec), io: io)
    }
    guard let dataDir = args.value("data") else {
      return CLI.usageError(UsageError(message: "Missing value for '--data <dir>'", command: spec), io: io)
    }
    let (asOfDate, e1) = RunInputs.date(args, "as-of", required: true, spec: spec, io: io)
    if let e1 { return e1 }
    let (since, e2) = RunInputs.date(args, "since", required: false, spec: spec, io: io)
    if let e2 { return e2 }
    guard let asOf = asOfDate else { return ExitStatus.usage }
    var isDir: ObjCBool = false
    let oldDir: String
    // The temporary folder a git revision is extracted to, removed at the end.
    var extracted: String?
    defer { if let t = extracted { try? FileManager.default.removeItem(atPath: t) } }
    if FileManager.default.fileExists(atPath: base, isDirectory: &isDir), isDir.boolValue {
      oldDir = base
    } else {
      switch GitRevision.extract(folder: rules, revision: base) {
      case .success(let (dir, tmp)):
        oldDir = dir
        extracted = tmp
      case .failure(let message):
        io.err("Error: '\(base)' is neither a folder nor a git revision of '\(rules)': \(message.message)\n")
        return ExitStatus.failure
      }
    }
    guard let oldPlan = RulesStage.compile(oldDir, io: io), let newPlan = RulesStage.compile(rules, io: io) else {
      return ExitStatus.failure
    }
    func produce(_ plan: ExecutablePlan) -> (BillingResult, CollectionsResult?, CashResult?)? {
      let (data, issues) = Dataset.load(folder: dataDir, plan: plan)
      let r = Produce.run(plan: plan, data: data, asOf: asOf, since: since)
      let (b, c, more) = (r.billing, r.collections, r.issues)
      let cash = r.cash
      if !(issues + more).isEmpty {
        io.err(InvoiceRenderer.issues(issues + more))
        io.err("Error: \((issues + more).count) bad data row\((issues + more).count == 1 ? "" : "s"); nothing was compared\n")
        return nil
      }
      if RunInputs.handleFailures(r.failures, plan, io: io) != nil { return nil }
      return (b, c, cash)
    }
    guard let old = produce(oldPlan), let new = produce(newPlan) else { return ExitStatus.failure }
    let diff = BusinessDiff.compare(old: (old.0, old.1), new: (new.0, new.1), oldCash: old.2, newCash: new.2)
    if args.value("format") == "json" {
      io.out(DiffRenderer.json(diff).serialized(pretty: true) + "\n")
    } else {
      io.out(DiffRenderer.text(diff, header: "Rules \(rules) against \(base), data \(dataDir) as of \(asOf):"))
    }
    return diff.isEmpty ? ExitStatus.success : 2
  }
}

/// A rules folder as it was at a git revision, extracted to a temporary folder.
enum GitRevision {
  static func git(_ args: [String]) -> (status: Int32, out: Data) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["git"] + args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    do { try p.run() } catch { return (127, Data()) }
    let out = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, out)
  }

  /// The rules folder inside the extracted tree, and the temporary folder to remove afterwards.
  static func extract(folder: String, revision: String) -> Result<(String, String), ExtractError> {
    let top = git(["-C", folder, "rev-parse", "--show-toplevel"])
    guard top.status == 0 else { return .failure(ExtractError(message: "'\(folder)' is not inside a git repository")) }
    let root = String(decoding: top.out, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    let prefix = String(decoding: git(["-C", folder, "rev-parse", "--show-prefix"]).out, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    guard git(["-C", root, "rev-parse", "--verify", "--quiet", revision + "^{commit}"]).status == 0 else {
      return .failure(ExtractError(message: "no such revision"))
    }
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("accrue-base-\(UUID().uuidString)").path
    do { try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true) } catch {
      return .failure(ExtractError(message: "cannot create a temporary folder"))
    }
    let archive = git(["-C", root, "archive", "--format=tar", revision, prefix.isEmpty ? "." : prefix])
    guard archive.status == 0 else {
      try? FileManager.default.removeItem(atPath: tmp)
      return .failure(ExtractError(message: "'\(prefix)' does not exist at \(revision)"))
    }
    let tarFile = tmp + "/rules.tar"
    guard FileManager.default.createFile(atPath: tarFile, contents: archive.out) else {
      try? FileManager.default.removeItem(atPath: tmp)
      return .failure(ExtractError(message: "cannot write the archive to \(tmp)"))
    }
    let tar = Process()
    tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    tar.arguments = ["tar", "-xf", tarFile, "-C", tmp]
    do {
      try tar.run()
      tar.waitUntilExit()
    } catch {
      try? FileManager.default.removeItem(atPath: tmp)
      return .failure(ExtractError(message: "cannot unpack the archive"))
    }
    guard tar.terminationStatus == 0 else {
      try? FileManager.default.removeItem(atPath: tmp)
      return .failure(ExtractError(message: "cannot unpack the archive"))
    }
    try? FileManager.default.removeItem(atPath: tarFile)
    return .success((prefix.isEmpty ? tmp : tmp + "/" + prefix, tmp))
  }

  struct ExtractError: Error {
    var message: String
  }
}
