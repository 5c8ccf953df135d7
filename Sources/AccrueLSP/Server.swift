import AccrueDiagnostics
import AccrueRender
import Foundation

/// A JSON-RPC error answered to a request.
public struct LSPError: Error, Sendable, Equatable {
  public var code: Int
  public var message: String
  public init(_ code: Int, _ message: String) {
    self.code = code
    self.message = message
  }
  public static let parseError = -32700
  public static let invalidRequest = -32600
  public static let methodNotFound = -32601
  public static let invalidParams = -32602
  public static let internalError = -32603
  public static let serverNotInitialized = -32002
  public static let requestFailed = -32803

  static func params(_ m: String) -> LSPError { LSPError(invalidParams, m) }
}

/// The server's settings: from `initializationOptions`, or `workspace/didChangeConfiguration` under `accrue`.
public struct LSPSettings: Sendable, Equatable {
  /// A data folder (as for `accrue plan --data`): code lenses show what each plan, cadence and match rule produced.
  public var dataFolder: String?
  /// The as-of date of that run (YYYY-MM-DD); the data folder's own when absent.
  public var asOf: String?
  /// Milliseconds to wait after a change before checking (changes in between restart the wait).
  public var debounceMilliseconds = 25
  /// The link a diagnostic's code carries; `{code}` is replaced by the code (E0402).
  public var explainLink = "accrue-explain:{code}"
  /// Whether rule tests (`*.accrue-test` next to the rules) are run for code lenses.
  public var testLenses = true
  public init() {}

  mutating func update(_ j: JSON?) {
    guard let j else { return }
    if let d = j["dataFolder"]?.string { dataFolder = d.isEmpty ? nil : d }
    if let a = j["asOf"]?.string { asOf = a.isEmpty ? nil : a }
    if let ms = j["debounceMilliseconds"]?.int { debounceMilliseconds = max(0, min(ms, 10_000)) }
    if let l = j["explainLink"]?.string { explainLink = l }
    if let t = j["testLenses"]?.bool { testLenses = t }
  }
}

/// What the `accrue` executable lends the server: running rule tests and plans lives in the CLI's libraries, above
/// this one. Each is optional; without it the corresponding code lenses are not shown.
public struct LSPHooks: Sendable {
  /// Runs the rule tests of a rule set folder: for each test file, whether it passed and a one-line result.
  public var runTests: (@Sendable (_ root: String) -> [TestLensResult])?
  /// Runs `plan` on a rule set folder with a data folder: what each rule (file path and 1-based line) produced.
  public var planRun: (@Sendable (_ root: String, _ data: String, _ asOf: String?) -> PlanLensResult)?
  public init(
    runTests: (@Sendable (String) -> [TestLensResult])? = nil,
    planRun: (@Sendable (String, String, String?) -> PlanLensResult)? = nil
  ) {
    self.runTests = runTests
    self.planRun = planRun
  }
}

/// The language server: the protocol's lifecycle, the documents and the features over the checked rule sets.
/// All of its state is touched on one queue only (`LSPMain` hands it every message there; the debounce timer
/// fires there), hence `@unchecked Sendable`.
public final class LanguageServer: @unchecked Sendable {
  enum Phase { case starting, running, shuttingDown }

  let send: @Sendable (JSON) -> Void
  let hooks: LSPHooks
  /// The queue that owns the state; nil: everything runs at once on the caller's thread (tests).
  let queue: DispatchQueue?
  var phase = Phase.starting
  public internal(set) var settings = LSPSettings()
  /// Open documents by URI.
  var documents: [String: TextDocument] = [:]
  /// Large single-file rule sets parsed in pieces, by root (`PieceCache`).
  var pieceCaches: [String: PieceCache] = [:]
  /// A file at least this large (bytes) that is a rule set on its own is checked in pieces.
  public var pieceThreshold = 256 * 1024
  /// The rule set folder of each document's folder (`RuleSets.root`), found once.
  var rootCache: [String: String] = [:]
  /// Checked rule sets by root folder; dropped when one of their files changes.
  var analyses: [String: Analysis] = [:]
  /// The URIs each root last published diagnostics for (to clear the ones that went away).
  var publishedURIs: [String: Set<String>] = [:]
  /// Per root, the number of the last change (a debounced check runs only if no change came after it).
  var changeCount: [String: Int] = [:]
  /// Code lens results per root (rule tests; the data run), computed on save and on open.
  var lensCache: [String: LensData] = [:]
  /// The workspace's folder (relative data folders are read from here).
  var workspaceFolder = FileManager.default.currentDirectoryPath
  /// Set by `exit`: the process's exit status (0 after a shutdown, 1 without).
  public private(set) var exitCode: Int32?
  /// Milliseconds each method last took (the server's own latency figures: `accrue/stats`).
  var timings: [String: Double] = [:]  // not money

  public init(queue: DispatchQueue?, hooks: LSPHooks = LSPHooks(), send: @escaping @Sendable (JSON) -> Void) {
    self.queue = queue
    self.hooks = hooks
    self.send = send
  }

  // MARK: - Messages

  /// Handles one frame from the client (on the server's queue).
  public func handle(_ frame: Frame) {
    switch frame {
    case .badHeader(let m): respondError(id: .null, LSPError(LSPError.parseError, "cannot read the message: \(m)"))
    case .message(let body):
      switch JSONParser.parse(body) {
      case .failure(let e):
        respondError(id: .null, LSPError(LSPError.parseError, "the message is not JSON (at byte \(e.offset): \(e.message))"))
      case .success(let j): handle(j)
      }
    }
  }

  public func handle(_ message: JSON) {
    guard case .object = message else {
      return respondError(id: .null, LSPError(LSPError.invalidRequest, "a message must be a JSON object"))
    }
    let id = message["id"]
    if let id, !(id.int != nil || id.string != nil || id.isNull) {
      return respondError(id: .null, LSPError(LSPError.invalidRequest, "a request id must be a number or a string"))
    }
    guard let method = message["method"]?.string else {
      if id != nil, message["result"] != nil || message["error"] != nil { return }  // a response to us: nothing asked
      return respondError(id: id ?? .null, LSPError(LSPError.invalidRequest, "a request needs a 'method'"))
    }
    guard message["jsonrpc"]?.string == "2.0" else {
      if let id { respondError(id: id, LSPError(LSPError.invalidRequest, "'jsonrpc' must be \"2.0\"")) }
      return
    }
    let params = message["params"]
    if let id {
      request(id: id, method: method, params: params)
    } else {
      notification(method: method, params: params)
    }
  }

  func request(id: JSON, method: String, params: JSON?) {
    if method == "initialize" {
      guard phase == .starting else { return respondError(id: id, LSPError(LSPError.invalidRequest, "the server is already initialized")) }
      phase = .running
      settings.update(params?["initializationOptions"])
      if let u = params?["rootUri"]?.string ?? params?["workspaceFolders"]?.array?.first?["uri"]?.string {
        workspaceFolder = URIs.path(u)
      } else if let r = params?["rootPath"]?.string {
        workspaceFolder = r
      }
      return respond(id: id, result: capabilities)
    }
    guard phase == .running else {
      let e =
        phase == .starting
        ? LSPError(LSPError.serverNotInitialized, "the server is not initialized yet: send 'initialize' first")
        : LSPError(LSPError.invalidRequest, "the server is shutting down: only 'exit' is accepted")
      return respondError(id: id, e)
    }
    if method == "shutdown" {
      phase = .shuttingDown
      return respond(id: id, result: .null)
    }
    guard let handler = Self.requests[method] else {
      return respondError(id: id, LSPError(LSPError.methodNotFound, "unknown method '\(method)'"))
    }
    let clock = ContinuousClock()
    let t0 = clock.now
    do {
      let result = try handler(self, params ?? .null)
      respond(id: id, result: result)
    } catch let e as LSPError {
      respondError(id: id, e)
    } catch {
      respondError(id: id, LSPError(LSPError.internalError, "\(error)"))
    }
    timings[method] = Self.milliseconds(clock.now - t0)
  }

  func notification(method: String, params: JSON?) {
    if method == "exit" {
      exitCode = phase == .shuttingDown ? 0 : 1
      return
    }
    guard phase == .running else { return }  // before initialize, and after shutdown: dropped
    let p = params ?? .null
    switch method {
    case "initialized", "$/cancelRequest", "$/setTrace", "textDocument/willSave": return
    case "textDocument/didOpen": didOpen(p)
    case "textDocument/didChange": didChange(p)
    case "textDocument/didClose": didClose(p)
    case "textDocument/didSave": didSave(p)
    case "workspace/didChangeConfiguration":
      settings.update(p["settings"]?["accrue"] ?? p["settings"])
      lensCache.removeAll()
    case "workspace/didChangeWatchedFiles":
      analyses.removeAll()
      rootCache.removeAll()
      lensCache.removeAll()
      for root in Set(documents.values.map { rootFolder(of: $0.path) }) { publish(root: root) }
    default: return  // unknown notifications are ignored, as the protocol says
    }
  }

  func respond(id: JSON, result: JSON) {
    send(.object([("jsonrpc", .string("2.0")), ("id", id), ("result", result)]))
  }

  func respondError(id: JSON, _ e: LSPError) {
    send(
      .object([
        ("jsonrpc", .string("2.0")), ("id", id),
        ("error", .object([("code", .int(e.code)), ("message", .string(e.message))])),
      ]))
  }

  func notify(_ method: String, _ params: JSON) {
    send(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
  }

  static func milliseconds(_ d: Duration) -> Double {  // not money
    Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15  // not money
  }

  typealias Handler = @Sendable (LanguageServer, JSON) throws -> JSON

  /// The requests the server answers, by method.
  static let requests: [String: Handler] = [
    "textDocument/hover": { try $0.hover($1) },
    "textDocument/definition": { try $0.definition($1) },
    "textDocument/references": { try $0.references($1) },
    "textDocument/prepareRename": { try $0.prepareRename($1) },
    "textDocument/rename": { try $0.rename($1) },
    "textDocument/documentSymbol": { try $0.documentSymbols($1) },
    "textDocument/completion": { try $0.completion($1) },
    "textDocument/formatting": { try $0.formatting($1) },
    "textDocument/codeAction": { try $0.codeActions($1) },
    "textDocument/semanticTokens/full": { try $0.semanticTokens($1) },
    "textDocument/foldingRange": { try $0.foldingRanges($1) },
    "textDocument/codeLens": { try $0.codeLenses($1) },
    "accrue/explain": { try $0.explain($1) },
    "accrue/stats": { s, _ in .object(s.timings.sorted { $0.key < $1.key }.map { ($0.key, .number(String(format: "%.2f", $0.value))) }) },
  ]

  var capabilities: JSON {
    .object([
      (
        "capabilities",
        .object([
          (
            "textDocumentSync",
            .object([("openClose", .bool(true)), ("change", .int(2)), ("save", .object([("includeText", .bool(false))]))])
          ),
          ("hoverProvider", .bool(true)),
          ("definitionProvider", .bool(true)),
          ("referencesProvider", .bool(true)),
          ("renameProvider", .object([("prepareProvider", .bool(true))])),
          ("documentSymbolProvider", .bool(true)),
          ("completionProvider", .object([("triggerCharacters", .array([.string("."), .string(" ")]))])),
          ("documentFormattingProvider", .bool(true)),
          ("codeActionProvider", .object([("codeActionKinds", .array([.string("quickfix")]))])),
          ("semanticTokensProvider", .object([("legend", SemanticTokens.legend), ("full", .bool(true))])),
          ("foldingRangeProvider", .bool(true)),
          ("codeLensProvider", .object([("resolveProvider", .bool(false))])),
        ])
      ),
      ("serverInfo", .object([("name", .string("accrue")), ("version", .string(DiagnosticRenderer.toolVersion))])),
    ])
  }
}
