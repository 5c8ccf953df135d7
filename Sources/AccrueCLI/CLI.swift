import AccrueChecker
import AccrueDiagnostics
import AccrueParser
import AccrueRender
import Foundation

/// Where the CLI writes. The executable uses `StandardOutput`; tests capture.
public protocol OutputSink: AnyObject {
  /// Writes to standard output.
  func out(_ s: String)
  /// Writes UTF-8 bytes to standard output (by default as a string).
  func out(bytes: UnsafeBufferPointer<UInt8>)
  /// Writes to standard error.
  func err(_ s: String)
  /// Whether standard output is a terminal (colour, progress).
  var stdoutIsTerminal: Bool { get }
  /// Whether standard error is a terminal.
  var stderrIsTerminal: Bool { get }
}

extension OutputSink {
  /// Writes UTF-8 bytes to standard output (a large output's chunks, written as they are where the sink can).
  public func out(bytes: UnsafeBufferPointer<UInt8>) { out(String(decoding: bytes, as: UTF8.self)) }
}

/// Captures output in memory (tests).
public final class CapturedOutput: OutputSink {
  /// Everything written to stdout.
  public private(set) var stdout = ""
  /// Everything written to stderr.
  public private(set) var stderr = ""
  public init() {}
  public func out(_ s: String) { stdout += s }
  public func err(_ s: String) { stderr += s }
  public var stdoutIsTerminal: Bool { false }
  public var stderrIsTerminal: Bool { false }
}

/// The process's real streams: one buffered writer per stream, so output never interleaves out of order. Writes
/// go through `write(2)`: a write that fails (a full disk, a closed pipe) is remembered, not a trap, and nothing
/// more is written to that stream; the executable then says so and exits 1.
public final class StandardOutput: OutputSink {
  private var buffer: [UInt8] = []
  public let stdoutIsTerminal = isatty(1) == 1
  public let stderrIsTerminal = isatty(2) == 1
  /// The first failed write to standard output (errno), if any.
  public private(set) var stdoutError: Int32?
  public init() { buffer.reserveCapacity(1 << 16) }
  public func out(_ s: String) {
    // A large piece (a chunk of rendered items) is written as it is, not copied into the buffer first.
    if s.utf8.count >= 1 << 16 {
      flush()
      var s = s
      s.withUTF8 { b in write(1, b, &stdoutError) }
      return
    }
    buffer.append(contentsOf: s.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }
  /// The same for bytes already UTF-8 (a chunk of JSON): no string made of them.
  public func out(bytes b: UnsafeBufferPointer<UInt8>) {
    if b.count >= 1 << 16 {
      flush()
      write(1, b, &stdoutError)
      return
    }
    buffer.append(contentsOf: b)
    if buffer.count >= 1 << 16 { flush() }
  }
  public func err(_ s: String) {
    flush()
    var ignored: Int32?
    var s = s
    s.withUTF8 { b in write(2, b, &ignored) }
  }
  /// Writes buffered stdout.
  public func flush() {
    guard !buffer.isEmpty else { return }
    buffer.withUnsafeBufferPointer { b in write(1, b, &stdoutError) }
    buffer.removeAll(keepingCapacity: true)
  }
  deinit { flush() }

  /// Writes all of `bytes` (retrying partial writes and interruptions); the first error stops this stream.
  private func write(_ fd: Int32, _ bytes: UnsafeBufferPointer<UInt8>, _ error: inout Int32?) {
    guard error == nil, var p = bytes.baseAddress else { return }
    var left = bytes.count
    while left > 0 {
      let n = Glibc.write(fd, p, left)
      if n < 0 {
        if errno == EINTR { continue }
        error = errno
        return
      }
      p += n
      left -= n
    }
  }

  /// What to tell the user when standard output could not be written (nil: it was, or the reader went away).
  public var stdoutFailure: String? {
    guard let e = stdoutError, e != EPIPE else { return nil }
    return "Error: cannot write to standard output: \(String(cString: strerror(e)))\n"
  }
}

/// Exit statuses (swift-argument-parser's convention).
public enum ExitStatus {
  public static let success: Int32 = 0
  public static let failure: Int32 = 1
  public static let usage: Int32 = 64
}

/// The `accrue` command line. Returns the exit status; never calls exit.
public enum CLI {
  /// A refused decision's message and that nothing was recorded ("...; nothing was recorded", or in brackets after
  /// a question).
  static func refused(_ message: String) -> String {
    message.hasSuffix("?") || message.hasSuffix(".") ? message + " (nothing was recorded)" : message + "; nothing was recorded"
  }

  static let version = DiagnosticRenderer.toolVersion

  static let commands: [CommandSpec] = [
    Check.spec, Fmt.spec, TestCommand.spec, PlanCommand.spec, ApplyCommand.spec, DiffCommand.spec, ImportCommand.spec, Report.spec, CompileCommand.spec, Explain.spec, Generate.spec,
    LedgerCommand.spec, ResolveCommand.spec, AuditCommand.spec, ExceptionsCommand.spec, ApprovalsCommand.spec, ApproveCommand.spec(true),
    HoldCommands.dispute, HoldCommands.promise, HoldCommands.plan, CreditCommands.creditNote, CreditCommands.refundCredit,
    ApproveCommand.spec(false), LSPCommand.spec, RecognizeCommand.spec,
  ]

  static var rootHelp: String {
    var out = "OVERVIEW: Accrue checks, plans and applies billing, dunning and cash-matching rules.\n\n"
    out += "USAGE: accrue <subcommand>\n\n"
    out += "OPTIONS:\n"
    out += Help.row("--version", "Show the version.")
    out += Help.row("-h, --help", "Show help information.")
    out += "\nSUBCOMMANDS:\n"
    for c in commands { out += Help.row(c.name, c.abstract) }
    out += Help.row("help", "Show help for a subcommand.")
    out += "\n  See 'accrue help <subcommand>' for detailed help.\n"
    return out
  }

  /// Runs one invocation. `args` excludes the program name.
  public static func run(_ args: [String], io: OutputSink) -> Int32 {
    guard let first = args.first else {
      io.err("Error: Missing required subcommand.\n" + "Usage: accrue <subcommand>\n  See 'accrue --help' for more information.\n")
      return ExitStatus.usage
    }
    switch first {
    case "-h", "--help":
      io.out(rootHelp)
      return ExitStatus.success
    case "--version":
      io.out(version + "\n")
      return ExitStatus.success
    case "help":
      guard args.count > 1 else {
        io.out(rootHelp)
        return ExitStatus.success
      }
      guard let c = commands.first(where: { $0.name == args[1] }) else {
        return usageError(UsageError(message: "Unknown subcommand '\(args[1])'" + suggestion(args[1])), io: io)
      }
      io.out(c.help)
      return ExitStatus.success
    default:
      break
    }
    guard let spec = commands.first(where: { $0.name == first }) else {
      return usageError(UsageError(message: "Unknown subcommand '\(first)'" + suggestion(first)), io: io)
    }
    let parsed: ParsedArguments
    do {
      parsed = try spec.parse(Array(args.dropFirst()))
    } catch {
      return usageError(error, io: io)
    }
    if parsed.helpRequested {
      io.out(spec.help)
      return ExitStatus.success
    }
    switch spec.name {
    case Check.spec.name: return Check.run(parsed, io: io)
    case Explain.spec.name: return Explain.run(parsed, io: io)
    case Generate.spec.name: return Generate.run(parsed, io: io)
    case PlanCommand.spec.name: return PlanCommand.run(parsed, io: io)
    case ApplyCommand.spec.name: return ApplyCommand.run(parsed, io: io)
    case Report.spec.name: return Report.run(parsed, io: io)
    case Fmt.spec.name: return Fmt.run(parsed, io: io)
    case ImportCommand.spec.name: return ImportCommand.run(parsed, io: io)
    case TestCommand.spec.name: return TestCommand.run(parsed, io: io)
    case DiffCommand.spec.name: return DiffCommand.run(parsed, io: io)
    case CompileCommand.spec.name: return CompileCommand.run(parsed, io: io)
    case LedgerCommand.spec.name: return LedgerCommand.run(parsed, io: io)
    case ResolveCommand.spec.name: return ResolveCommand.run(parsed, io: io)
    case HoldCommands.dispute.name: return HoldCommands.run(HoldCommands.dispute, parsed, io: io)
    case HoldCommands.promise.name: return HoldCommands.run(HoldCommands.promise, parsed, io: io)
    case HoldCommands.plan.name: return HoldCommands.run(HoldCommands.plan, parsed, io: io)
    case CreditCommands.creditNote.name: return CreditCommands.run(CreditCommands.creditNote, parsed, io: io)
    case CreditCommands.refundCredit.name: return CreditCommands.run(CreditCommands.refundCredit, parsed, io: io)
    case AuditCommand.spec.name: return AuditCommand.run(parsed, io: io)
    case ExceptionsCommand.spec.name: return ExceptionsCommand.run(parsed, io: io)
    case ApprovalsCommand.spec.name: return ApprovalsCommand.run(parsed, io: io)
    case "approve": return ApproveCommand.run(parsed, approve: true, io: io)
    case "reject": return ApproveCommand.run(parsed, approve: false, io: io)
    case LSPCommand.spec.name: return LSPCommand.run(parsed, io: io)
    case RecognizeCommand.spec.name: return RecognizeCommand.run(parsed, io: io)
    default: return ExitStatus.failure
    }
  }

  static func suggestion(_ word: String) -> String {
    let names = commands.map(\.name) + ["help"]
    return Suggest.closest(to: word, in: names).map { ". Did you mean '\($0)'?" } ?? ""
  }

  static func usageError(_ e: UsageError, io: OutputSink) -> Int32 {
    var s = "Error: \(e.message)\n"
    if let c = e.command {
      s += "Usage: \(c.usage)\n  See 'accrue \(c.name) --help' for more information.\n"
    } else {
      s += "Usage: accrue <subcommand>\n  See 'accrue --help' for more information.\n"
    }
    io.err(s)
    return ExitStatus.usage
  }
}
