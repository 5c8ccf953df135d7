import AccrueDiagnostics
import AccrueFormat
import AccrueRender
import Foundation

/// `accrue fmt [--check] PATH...`: one canonical layout for rule files.
enum Fmt {
  static let spec = CommandSpec(
    name: "fmt", abstract: "Format rule files in the canonical layout (or, with --check, show what would change).",
    arguments: [("path", "Rule files or folders (all .accrue files below them).")], minPositionals: 1, maxPositionals: 1_000,
    options: [
      OptionSpec(long: "check", short: nil, value: nil, help: "Write nothing; print a unified diff for each file not formatted and exit 1."),
    ],
    discussion: """
      Only whitespace changes: indentation, spacing, blank lines, aligned trailing comments; line breaks and comments
      stay. A file with syntax errors is not formatted (its errors are printed). Exits 0 when every file is (or now is)
      formatted, 1 with --check when one is not or on errors, 64 on a usage error.
      """)

  static func run(_ args: ParsedArguments, io: OutputSink) -> Int32 {
    let check = args.flag("check")
    guard let files = FileWalk.files(args.positionals, suffix: ".accrue", io: io) else { return ExitStatus.failure }
    var failed = false
    var unformatted = 0
    var changed = 0
    for path in files {
      guard let data = FileManager.default.contents(atPath: path) else {
        io.err("Error: cannot read '\(path)'\n")
        failed = true
        continue
      }
      let bytes = [UInt8](data)
      switch Formatter.format(bytes, path: path) {
      case .failure(let e):
        io.err(
          DiagnosticRenderer.render(
            e.diagnostics, sources: e.sources, format: .text,
            summary: DiagnosticSummary(errors: e.diagnostics.count, warnings: 0, files: 1, lines: 0)))
        io.err("Error: '\(path)' has syntax errors; it was not formatted\n")
        failed = true
      case .success(let text):
        let original = String(decoding: bytes, as: UTF8.self)
        if text == original { continue }
        if check {
          unformatted += 1
          io.out(UnifiedDiff.diff(original, text, oldName: "a/" + path, newName: "b/" + path))
        } else {
          do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            changed += 1
            io.out(path + "\n")
          } catch {
            io.err("Error: cannot write '\(path)': \(error.localizedDescription)\n")
            failed = true
          }
        }
      }
    }
    if check && unformatted > 0 {
      io.err("\(unformatted) of \(files.count) file\(files.count == 1 ? "" : "s") not formatted (run: accrue fmt \(args.positionals.joined(separator: " ")))\n")
      return ExitStatus.failure
    }
    if !check && changed > 0 { io.err("formatted \(changed) of \(files.count) file\(files.count == 1 ? "" : "s")\n") }
    return failed ? ExitStatus.failure : ExitStatus.success
  }
}

/// The files a command works on: files as named, and every file with the suffix below each folder (sorted).
enum FileWalk {
  /// Nil (with the error written) when a path does not exist.
  static func files(_ paths: [String], suffix: String, io: OutputSink) -> [String]? {
    var files: [String] = []
    for p in paths {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: p, isDirectory: &isDir) else {
        io.err("Error: '\(p)' does not exist\n")
        return nil
      }
      if isDir.boolValue {
        let found = (FileManager.default.enumerator(atPath: p)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(suffix) }.sorted()
        files += found.map { p.hasSuffix("/") ? p + $0 : p + "/" + $0 }
      } else {
        files.append(p)
      }
    }
    return files
  }
}
