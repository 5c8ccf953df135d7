import AccrueCore
import AccrueDiagnostics
import AccrueLedger
import AccrueModel
import AccrueRender
import AccrueRun
import Foundation

/// `accrue ledger export` and `accrue ledger show`: the receivables ledger of a state folder read back, as files a
/// warehouse or ERP loads and as a customer's statement of account. Both open the ledger read-only and never
/// write to the state folder.
enum LedgerCommand {
  static let spec = CommandSpec(
    name: "ledger",
    abstract:
      "Read the receivables ledger of a state folder: 'export' (files for a warehouse or ERP), 'show CUSTOMER' (a statement of account), 'verify' (what must always hold).",
    arguments: [("action", "'export', 'show' or 'verify'."), ("customer", "show: the customer's id.")],
    minPositionals: 1, maxPositionals: 2,
    options: [
      OptionSpec(
        long: "state", short: nil, value: "dir", help: "The state folder of 'accrue apply'; its ledger.sqlite is read, never written."),
      OptionSpec(
        long: "out", short: nil, value: "dir",
        help: "export: the folder to write the files to; created whole, or replaced whole when it holds an earlier export."),
      OptionSpec(
        long: "format", short: nil, value: "format", help: "export: csv (the default) or jsonl; show: text (the default) or json.",
        choices: ["csv", "jsonl", "text", "json"]),
      OptionSpec(long: "as-of", short: nil, value: "date", help: "show: leave out what is dated after this date, YYYY-MM-DD (default: everything)."),
    ],
    discussion: """
        accrue ledger export --state DIR --out DIR [--format csv|jsonl]
          One file per table (invoices, invoice_lines, invoice_taxes, credit_notes, payments, applications, payment_returns,
          processor_payouts, payment_revisions, fees, reminders, decisions, collection_holds, journal_lines, runs) and manifest.json (versions, row counts, the last run). Amounts are exact decimals with the currency's decimals; rows
          are in a stated, stable order, so two exports of the same ledger are byte-identical. The layout is in
          docs/ledger.md (Export) and docs/schema/ledger-export/ (JSON Schema).
        accrue ledger show CUSTOMER --state DIR [--as-of DATE] [--format text|json]
          The customer's statement of account per currency: invoices and debit notes, payments applied to them,
          write-offs and discounts, fees, credit left on account and used, in date order with a running balance; then the open
          balance, the credit on account and the balance due.
        accrue ledger verify --state DIR
          Checks what must always hold (docs/ledger.md): no document settled or credited beyond its total, no credit
          used beyond what was left on account, numbering sequences without gaps, references, and every journal
          entry recorded balanced (debits = credits in its currency). Exits 1 and lists each breach otherwise.
      Exits 0 on success, 1 when the ledger cannot be read or the customer is not in it, 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let action = args.positionals[0]
    guard ["export", "show", "verify"].contains(action) else {
      let hint = Suggest.closest(to: action, in: ["export", "show", "verify"]).map { ". Did you mean '\($0)'?" } ?? "; expected 'export', 'show' or 'verify'"
      return usage("Unknown action '\(action)'" + hint, io)
    }
    guard let state = args.value("state") else { return usage("Missing value for '--state <dir>'", io) }
    if action == "verify" { return verify(args, state: state, io: io) }
    return action == "export" ? export(args, state: state, io: io) : show(args, state: state, io: io)
  }

  /// `ledger verify`: every breach of what must hold, or a line saying the ledger holds.
  static func verify(_ args: ParsedArguments, state: String, io: OutputSink) -> Int32 {
    if let e = misplaced(args, ["out", "as-of", "format"], "verify", io) { return e }
    if args.positionals.count > 1 { return usage("Unexpected argument '\(args.positionals[1])': 'ledger verify' takes no customer", io) }
    do {
      let reader = try LedgerStore.openForReading(stateDir: state)
      let (run, _) = try reader.lastRun()
      let breaches = try reader.verify()
      let entries = try reader.journalEntries().count
      if breaches.isEmpty {
        io.out("The ledger holds (up to run \(run)): money conserved, sequences without gaps, \(entries) journal entr\(entries == 1 ? "y" : "ies") balanced\n")
        return ExitStatus.success
      }
      for b in breaches { io.out("breach: \(b)\n") }
      io.err("Error: \(breaches.count) breach\(breaches.count == 1 ? "" : "es") in \(reader.path); restore the state folder from a backup\n")
      return ExitStatus.failure
    } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
  }

  static func usage(_ message: String, _ io: OutputSink) -> Int32 { CLI.usageError(UsageError(message: message, command: spec), io: io) }

  /// The state folder's ledger read back for a command that only reads it; nil when it cannot be read (said).
  static func history(_ state: String, _ io: OutputSink) -> Journal? {
    do throws(JournalError) { return try LedgerStore.read(stateDir: state) } catch {
      io.err("Error: \(error.message)\n")
      return nil
    }
  }

  /// An option given to the action that does not take it.
  static func misplaced(_ args: ParsedArguments, _ options: [String], _ action: String, _ io: OutputSink) -> Int32? {
    guard let o = options.first(where: { args.value($0) != nil }) else { return nil }
    return usage("'--\(o)' is not an option of 'ledger \(action)'", io)
  }

  // MARK: export

  static func export(_ args: ParsedArguments, state: String, io: OutputSink) -> Int32 {
    if let e = misplaced(args, ["as-of"], "export", io) { return e }
    if args.positionals.count > 1 { return usage("Unexpected argument '\(args.positionals[1])': 'ledger export' takes no customer", io) }
    let format = args.value("format") ?? "csv"
    guard format == "csv" || format == "jsonl" else {
      return usage("The value '\(format)' is invalid for '--format <format>' of 'ledger export': write csv or jsonl", io)
    }
    guard let out = args.value("out") else { return usage("Missing value for '--out <dir>'", io) }
    let export: LedgerExport
    do {
      if ExportFolder.isInside(out, state) {
        io.err("Error: \(out) is inside the state folder \(state), which 'ledger export' never writes to; give an --out folder outside it\n")
        return ExitStatus.failure
      }
      let reader = try LedgerStore.openForReading(stateDir: state)
      export = try reader.export()
    } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    let tables = export.tables
    var files: [(name: String, bytes: [UInt8])] = tables.map { t in
      (t.name + "." + format, Array((format == "csv" ? LedgerRenderer.csv(t) : LedgerRenderer.jsonl(t)).utf8))
    }
    let manifest = LedgerRenderer.manifest(export, format: format)
    files.append(("manifest.json", Array((manifest.serialized(pretty: true) + "\n").utf8)))
    do { try ExportFolder.write(files, to: out) } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    let last = export.lastRun == 0 ? "no run yet" : "up to run \(export.lastRun)" + (export.asOf.map { " as of \($0)" } ?? "")
    io.out("Exported the ledger (\(last)) to \(out):\n")
    for t in tables { io.out("  \(t.name).\(format): \(t.rows.count) row\(t.rows.count == 1 ? "" : "s")\n") }
    io.out("  manifest.json\n")
    return ExitStatus.success
  }

  // MARK: show

  static func show(_ args: ParsedArguments, state: String, io: OutputSink) -> Int32 {
    if let e = misplaced(args, ["out"], "show", io) { return e }
    guard args.positionals.count == 2 else { return usage("Missing expected argument '<customer>': 'ledger show' takes a customer's id", io) }
    let customer = args.positionals[1]
    let format = args.value("format") ?? "text"
    guard format == "text" || format == "json" else {
      return usage("The value '\(format)' is invalid for '--format <format>' of 'ledger show': write text or json", io)
    }
    let (asOf, e) = RunInputs.date(args, "as-of", required: false, spec: spec, io: io)
    if let e { return e }
    let statement: LedgerStatement
    do {
      let reader = try LedgerStore.openForReading(stateDir: state)
      guard let s = try reader.statement(customer: customer, asOf: asOf) else {
        io.err("Error: " + unknownCustomer(customer, known: try reader.customers(), ledger: reader.path) + "\n")
        return ExitStatus.failure
      }
      statement = s
    } catch {
      io.err("Error: \(error.message)\n")
      return ExitStatus.failure
    }
    io.out(
      format == "json" ? LedgerRenderer.statementJSON(statement).serialized(pretty: true) + "\n" : LedgerRenderer.statementText(statement))
    return ExitStatus.success
  }

  /// "customer 'cust-01' is not in the ledger ...: did you mean 'cust-001', 'cust-010' or 'cust-011'?"
  static func unknownCustomer(_ customer: String, known: [String], ledger: String) -> String {
    var message = "customer '\(customer)' is not in the ledger \(ledger)"
    guard !known.isEmpty else { return message + ": it records no customer yet" }
    let limit = max(2, customer.utf8.count / 3)
    var close = known.map { (AccrueDiagnostics.Suggest.distance(customer, $0, limit: limit), $0) }.filter { $0.0 <= limit }
    close.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
    var names = close.prefix(3).map { "'\($0.1)'" }
    if names.isEmpty, let s = AccrueDiagnostics.Suggest.closest(to: customer, in: known) { names = ["'\(s)'"] }
    guard let last = names.popLast() else {
      return message + " (it knows \(known.count) customer\(known.count == 1 ? "" : "s")); give an id as the customers file writes it"
    }
    message += ". Did you mean " + (names.isEmpty ? last : names.joined(separator: ", ") + " or " + last) + "?"
    return message
  }
}

/// The folder `ledger export` writes: its files go to a temporary folder beside it, forced to disk, which is then
/// renamed into place, so the folder holds a whole export or none. A folder that holds an earlier export (a
/// manifest.json and files of the export's names only) is replaced; any other non-empty folder is refused
/// (Accrue never deletes what it did not write).
enum ExportFolder {
  static func write(_ files: [(name: String, bytes: [UInt8])], to out: String) throws(JournalError) {
    let fm = FileManager.default
    let url = URL(fileURLWithPath: out).standardizedFileURL
    let parent = url.deletingLastPathComponent().path
    let tmp = parent + "/.\(url.lastPathComponent).tmp-\(getpid())"
    let old = parent + "/.\(url.lastPathComponent).old-\(getpid())"
    let earlier = try existing(url.path, names: Set(files.map(\.name)))
    do {
      try fm.createDirectory(atPath: parent, withIntermediateDirectories: true)
      if fm.fileExists(atPath: tmp) { try fm.removeItem(atPath: tmp) }
      try fm.createDirectory(atPath: tmp, withIntermediateDirectories: false)
    } catch { throw JournalError(message: "cannot create \(tmp): \(error.localizedDescription)") }
    do throws(JournalError) {
      for f in files { try DurableFS.writeSynced(tmp + "/" + f.name, f.bytes) }
      DurableFS.syncDirectory(tmp)
      if earlier { guard rename(url.path, old) == 0 else { throw errno("cannot move the earlier export \(url.path) aside") } }
      guard rename(tmp, url.path) == 0 else { throw errno("cannot rename \(tmp) to \(url.path)") }
      DurableFS.syncDirectory(parent)
    } catch {
      try? fm.removeItem(atPath: tmp)
      if earlier, !fm.fileExists(atPath: url.path) { _ = rename(old, url.path) }
      throw error
    }
    if earlier { try? fm.removeItem(atPath: old) }
  }

  static func errno(_ what: String) -> JournalError { JournalError(message: "\(what): \(String(cString: strerror(Glibc.errno)))") }

  /// Whether `path` holds an earlier export to replace (false: it does not exist, or is an empty folder). Throws
  /// for a file, or a folder holding anything else.
  static func existing(_ path: String, names: Set<String>) throws(JournalError) -> Bool {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return false }
    guard isDirectory.boolValue else { throw JournalError(message: "\(path) is a file; give --out a folder (it is created)") }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
    if entries.isEmpty { return false }
    let exportNames = names.union(LedgerExport.layouts.flatMap { ["\($0.name).csv", "\($0.name).jsonl"] })
    guard entries.contains("manifest.json"), entries.allSatisfy(exportNames.contains) else {
      throw JournalError(
        message: "\(path) holds files that are not an export of the ledger; give --out a new or empty folder (Accrue never deletes what it did not write)")
    }
    return true
  }

  /// Whether `out` is the state folder or inside it (symbolic links resolved as far as the folders exist).
  static func isInside(_ out: String, _ state: String) -> Bool {
    func resolved(_ p: String) -> String {
      var url = URL(fileURLWithPath: p).standardizedFileURL
      var tail: [String] = []
      while !FileManager.default.fileExists(atPath: url.path), url.path != "/" {
        tail.insert(url.lastPathComponent, at: 0)
        url = url.deletingLastPathComponent()
      }
      return ([url.resolvingSymlinksInPath().path] + tail).joined(separator: "/")
    }
    let (o, s) = (resolved(out), resolved(state))
    return o == s || o.hasPrefix(s.hasSuffix("/") ? s : s + "/")
  }
}
