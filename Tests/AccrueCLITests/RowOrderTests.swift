import AccrueCLI
import AccrueLedger
import Foundation
import Testing
import AccrueTestSupport

/// SplitMix64: a seeded generator, so a failing shuffle can be replayed.
struct SeededGenerator: RandomNumberGenerator {
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

/// The same data with its rows in another order gives the same output: `plan` in every format (forecasts,
/// explanations, --why-not), `apply`'s run folders and journal, `diff` and the aging report.
@Suite("row order of the data files")
struct RowOrderTests {
  static let root = CLITests.repoRoot
  static let examples = root.appendingPathComponent("examples/data").path
  static let fm = FileManager.default

  /// Copies the bundled data (its files and statements/, not bad/) to `dir`, each CSV's rows shuffled by `seed`
  /// (nil: as they are). The header stays first.
  static func writeData(to dir: String, seed: UInt64?) throws {
    try? fm.removeItem(atPath: dir)
    try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
    var rng = SeededGenerator(seed: seed ?? 0)
    for name in try fm.contentsOfDirectory(atPath: examples).sorted() where name != "bad" && name != "README.md" {
      let from = examples + "/" + name
      if !name.hasSuffix(".csv") {
        try fm.copyItem(atPath: from, toPath: dir + "/" + name)
        continue
      }
      var lines = try String(contentsOfFile: from, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
      let header = lines.removeFirst()
      if seed != nil { lines.shuffle(using: &rng) }
      try ([header] + lines).map { $0 + "\n" }.joined().write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
    }
  }

  /// A copy of the bundled rules with a price, a step's timing and a tolerance changed, for `diff`.
  static func changedRules(_ dir: String) throws -> String {
    let base = dir + "/base-rules"
    try fm.copyItem(atPath: root.appendingPathComponent("rules").path, toPath: base)
    for (file, old, new) in [
      ("plans.accrue", "per unit [15.00 USD, 14.00 EUR]", "per unit [14.00 USD, 14.00 EUR]"), ("dunning.accrue", "send email \"ent-overdue-2\"", "send email \"ent-overdue-2-old\""),
      ("matching.accrue", "tolerance underpayment 0.1%", "tolerance underpayment 1%"),
    ] {
      let path = base + "/" + file
      let text = try String(contentsOfFile: path, encoding: .utf8)
      #expect(text.contains(old), "\(file): \(old)")
      try text.replacingOccurrences(of: old, with: new).write(toFile: path, atomically: true, encoding: .utf8)
    }
    return base
  }

  /// Every output, by name, for the data in `data` (always the same path, so paths in the output agree).
  static func outputs(data: String, work: String, base: String) throws -> [String: String] {
    let rules = root.appendingPathComponent("rules").path
    let common = ["--rules", rules, "--data", data]
    var out: [String: String] = [:]
    func run(_ name: String, _ args: [String], status: Int32 = 0) {
      let (s, o, e) = CLITests.run(args)
      #expect(s == status, "\(name): \(e)")
      out[name] = o + e
    }
    for f in ["text", "json", "csv"] {
      run("plan.\(f)", ["plan"] + common + ["--as-of", "2026-11-01", "--format", f])
      run("forecast.\(f)", ["plan"] + common + ["--from", "2026-10-28", "--to", "2026-11-06", "--format", f])
    }
    run("plan-december.json", ["plan"] + common + ["--as-of", "2026-12-15", "--since", "2026-09-01", "--format", "json"])
    run("coverage", ["plan"] + common + ["--as-of", "2026-11-01", "--coverage"])
    for key in ["ctr-001/2026-11-01", "INV-2026-0042/standard/second_reminder", "payment:pay-2026-1005"] {
      run("explain " + key, ["plan"] + common + ["--as-of", "2026-11-01", "--explain", key])
    }
    run("why-not", ["plan"] + common + ["--as-of", "2026-11-01", "--why-not", "INV-2026-0004"])
    run("diff", ["diff", "--base", base] + common + ["--as-of", "2026-11-01"], status: 2)
    run("aging", ["report", "aging", "--data", data, "--as-of", "2026-11-01", "--detail", "--format", "json"])
    let (state, folder) = (work + "/state", work + "/out")
    try? fm.removeItem(atPath: state)
    try? fm.removeItem(atPath: folder)
    for date in ["2026-11-01", "2026-12-01"] {
      run("apply " + date, ["apply"] + common + ["--as-of", date, "--state", state, "--out", folder])
    }
    // (Dot files mark which state folder wrote them: `.accrue-out`, `.accrue-run` hold its id, not output.)
    for run in try fm.contentsOfDirectory(atPath: folder).sorted() where !run.hasPrefix(".") {
      for file in try fm.contentsOfDirectory(atPath: folder + "/" + run).sorted() where !file.hasPrefix(".") {
        out[run + "/" + file] = try String(contentsOfFile: "\(folder)/\(run)/\(file)", encoding: .utf8)
      }
    }
    // What the ledger recorded (the time each run was recorded aside: an audit fact, not output).
    let ledger = try LedgerStore.read(stateDir: state)
    out["ledger"] = String(describing: ledger.runs.map { ($0.number, $0.asOf, $0.folder, $0.items) })
      + String(describing: ledger.receivables) + String(describing: ledger.fees) + String(describing: ledger.sequences.sorted { $0.key < $1.key })
    run("aging --state", ["report", "aging", "--data", data, "--as-of", "2026-12-01", "--state", state, "--detail"])
    return out
  }

  /// Data-row locations (`file.csv:LINE`) name where a row is, so they change when rows move: each is replaced
  /// by the row's text. Usage rows become `usage.csv:#`: an explanation cites a sample of them, the first rows
  /// of the file that counted (which rows those are depends on the file's order by design).
  static func located(_ text: String, data: String) throws -> String {
    let regex = try NSRegularExpression(pattern: #"([a-z_]+\.csv):([0-9]+)"#)
    var files: [String: [String]] = [:]
    var out = ""
    var last = text.startIndex
    for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
      let whole = Range(m.range, in: text)!
      let file = String(text[Range(m.range(at: 1), in: text)!])
      let line = Int(text[Range(m.range(at: 2), in: text)!])!
      out += text[last..<whole.lowerBound]
      last = whole.upperBound
      if file == "usage.csv" {
        out += "usage.csv:#"
        continue
      }
      if files[file] == nil {
        files[file] = (try? String(contentsOfFile: data + "/" + file, encoding: .utf8))?.components(separatedBy: "\n") ?? []
      }
      let rows = files[file]!
      out += file + ":<" + (line >= 1 && line <= rows.count ? rows[line - 1] : "line \(line)?") + ">"
    }
    return out + text[last...]
  }

  @Test("shuffled rows (seeded) give byte-identical output, data-row locations aside", arguments: [1, 2, 3] as [UInt64])
  func shuffled(_ seed: UInt64) throws {
    let work = TemporaryPaths.make("accrue-row-order")
    let data = work + "/data"
    let base = try Self.changedRules(work)
    try Self.writeData(to: data, seed: nil)
    let original = try Self.outputs(data: data, work: work, base: base)
    let originalLocated = try original.mapValues { try Self.located($0, data: data) }
    try Self.writeData(to: data, seed: seed)
    let shuffled = try Self.outputs(data: data, work: work, base: base)
    #expect(original.keys.sorted() == shuffled.keys.sorted())
    #expect(original.count > 25)
    #expect(original["diff"]?.contains("~ invoice") == true && original["diff"]?.contains("~ reminder") == true)
    for (name, text) in original.sorted(by: { $0.key < $1.key }) {
      guard let other = shuffled[name] else { continue }
      if text == other { continue }
      // Only data-row locations may differ.
      let a = originalLocated[name]!
      let b = try Self.located(other, data: data)
      let same = a == b
      #expect(same, "\(name) differs with the rows shuffled (seed \(seed)): \(Self.firstDifference(a, b))")
    }
  }

  static func firstDifference(_ a: String, _ b: String) -> String {
    let la = a.components(separatedBy: "\n")
    let lb = b.components(separatedBy: "\n")
    for i in 0..<max(la.count, lb.count) {
      let x = i < la.count ? la[i] : "(end)"
      let y = i < lb.count ? lb[i] : "(end)"
      if x != y { return "line \(i + 1):\n  \(x)\n  \(y)" }
    }
    return "(same lines)"
  }
}
