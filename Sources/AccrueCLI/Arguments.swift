import AccrueDiagnostics

/// One option of a command.
struct OptionSpec {
  var long: String
  var short: Character?
  /// Name of the value (`<format>`); nil for a flag.
  var value: String?
  var help: String
  /// Allowed values, if the set is closed.
  var choices: [String]?
  var defaultValue: String?
  /// May be given more than once.
  var repeatable = false
}

/// One subcommand's interface, used for parsing and for help.
struct CommandSpec {
  var name: String
  var abstract: String
  var arguments: [(String, String)]
  /// Whether the positional arguments may repeat (`<path> ...`).
  var variadic = false
  /// How many positionals are required at least.
  var minPositionals = 0
  var maxPositionals = 0
  var options: [OptionSpec]
  var discussion: String?

  /// Options that became statements of the rules (a setting that changes results is reviewed with them), and
  /// what to write instead.
  static let movedToRules = [
    "--processor-invoice-key":
      "which payment_metadata[KEY] column holds the invoice number is stated in the rules: processor stripe { invoice number from metadata \"KEY\" } (grammar.md 8.2)"
  ]

  var usage: String {
    var parts = ["accrue", name]
    for o in options {
      let v = o.value.map { " <\($0)>" } ?? ""
      parts.append("[--\(o.long)\(v)]")
    }
    for (a, _) in arguments { parts.append(variadic ? "<\(a)> ..." : "<\(a)>") }
    return parts.joined(separator: " ")
  }

  var help: String {
    var out = "OVERVIEW: \(abstract)\n\n"
    if let d = discussion { out += d + "\n\n" }
    out += "USAGE: \(usage)\n\n"
    if !arguments.isEmpty {
      out += "ARGUMENTS:\n"
      for (a, h) in arguments { out += Help.row("<\(a)>", h) }
      out += "\n"
    }
    out += "OPTIONS:\n"
    for o in options {
      var left = o.short.map { "-\($0), " } ?? ""
      left += "--\(o.long)" + (o.value.map { " <\($0)>" } ?? "")
      var h = o.help
      if let c = o.choices { h += " (values: \(c.joined(separator: ", ")))" }
      if let d = o.defaultValue { h += " (default: \(d))" }
      out += Help.row(left, h)
    }
    out += Help.row("-h, --help", "Show help information.")
    return out
  }
}

enum Help {
  /// A help row: the left column padded to 24, the text wrapped at 80 columns.
  static func row(_ left: String, _ text: String) -> String {
    let indent = 26
    var out = "  " + left
    var col = out.count
    if col >= indent - 1 {
      out += "\n"
      col = 0
    }
    var line = String(repeating: " ", count: indent - col)
    var width = indent
    for w in text.split(separator: " ") {
      if width + w.count + 1 > 80, width > indent {
        out += line + "\n"
        line = String(repeating: " ", count: indent)
        width = indent
      }
      if width > indent {
        line += " "
        width += 1
      }
      line += w
      width += w.count
    }
    return out + line + "\n"
  }
}

/// A usage error: printed to stderr with the command's usage, exit 64.
struct UsageError: Error {
  var message: String
  var command: CommandSpec?
}

/// Parsed arguments of one command.
struct ParsedArguments {
  var values: [String: [String]] = [:]
  var flags: Set<String> = []
  var positionals: [String] = []
  var helpRequested = false

  func value(_ long: String) -> String? { values[long]?.last }
  func flag(_ long: String) -> Bool { flags.contains(long) }
}

extension CommandSpec {
  /// Parses `args` (after the subcommand name) against this spec.
  func parse(_ args: [String]) throws(UsageError) -> ParsedArguments {
    var out = ParsedArguments()
    var i = 0
    var onlyPositionals = false
    while i < args.count {
      let a = args[i]
      i += 1
      if onlyPositionals || !a.hasPrefix("-") || a == "-" {
        out.positionals.append(a)
        continue
      }
      if a == "--" {
        onlyPositionals = true
        continue
      }
      if a == "-h" || a == "--help" {
        out.helpRequested = true
        continue
      }
      var name = a
      var inline: String?
      if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
        name = String(a[..<eq])
        inline = String(a[a.index(after: eq)...])
      }
      let spec: OptionSpec?
      if name.hasPrefix("--") {
        spec = options.first { "--" + $0.long == name }
      } else if name.count == 2 {
        spec = options.first { $0.short == name.last }
      } else {
        spec = nil
      }
      guard let o = spec else {
        if let moved = Self.movedToRules[name] {
          throw UsageError(message: "'\(name)' is no longer an option: \(moved)", command: self)
        }
        let known = options.map { "--" + $0.long } + ["--help"]
        let s = Suggest.closest(to: name, in: known)
        throw UsageError(message: "Unknown option '\(name)'" + (s.map { ". Did you mean '\($0)'?" } ?? ""), command: self)
      }
      if let vname = o.value {
        let v: String
        if let inline {
          v = inline
        } else {
          guard i < args.count, !(args[i].hasPrefix("-") && args[i].count > 1 && o.choices != nil) else {
            throw UsageError(message: "Missing value for '--\(o.long) <\(vname)>'", command: self)
          }
          v = args[i]
          i += 1
        }
        if let c = o.choices, !c.contains(v) {
          throw UsageError(
            message: "The value '\(v)' is invalid for '--\(o.long) <\(vname)>'. Please provide one of \(c.map { "'\($0)'" }.joined(separator: ", ")).",
            command: self)
        }
        if out.values[o.long] != nil, !o.repeatable {
          throw UsageError(message: "'--\(o.long)' may be given only once", command: self)
        }
        out.values[o.long, default: []].append(v)
      } else {
        if inline != nil { throw UsageError(message: "'--\(o.long)' takes no value", command: self) }
        out.flags.insert(o.long)
      }
    }
    if out.helpRequested { return out }
    if out.positionals.count < minPositionals {
      let missing = arguments.count > out.positionals.count ? arguments[out.positionals.count].0 : arguments.last?.0 ?? "argument"
      throw UsageError(message: "Missing expected argument '<\(missing)>'", command: self)
    }
    if !variadic, out.positionals.count > maxPositionals {
      throw UsageError(message: "Unexpected argument '\(out.positionals[maxPositionals])'", command: self)
    }
    return out
  }
}
