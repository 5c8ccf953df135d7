import AccrueLSP
import AccrueRender
import AccrueTestSupport
import Foundation

/// A server answering at once on the test's thread (no queue, no debounce), what it sent kept in order.
final class Harness: @unchecked Sendable {
  private let lock = NSLock()
  private var sentMessages: [JSON] = []
  var server: LanguageServer!
  let root: String
  private var nextID = 0

  /// A rule set folder holding `files` (paths relative to it), and a server initialized over it.
  init(files: [String: String], hooks: LSPHooks = LSPHooks(), options: JSON = .object([]), initialize: Bool = true) {
    root = TemporaryPaths.make("accrue-lsp")
    for (rel, text) in files {
      let path = root + "/" + rel
      try! FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
      try! text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    server = LanguageServer(queue: nil, hooks: hooks) { [unowned self] m in
      lock.lock()
      sentMessages.append(m)
      lock.unlock()
    }
    if initialize {
      _ = request("initialize", .object([("rootUri", .string(URIs.uri(root))), ("initializationOptions", options), ("capabilities", .object([]))]))
      notify("initialized", .object([]))
    }
  }

  var sent: [JSON] {
    lock.lock()
    defer { lock.unlock() }
    return sentMessages
  }

  func clear() {
    lock.lock()
    sentMessages.removeAll()
    lock.unlock()
  }

  func uri(_ rel: String) -> String { URIs.uri(root + "/" + rel) }

  /// Sends a request and returns the response (its `result`, or the whole message when it is an error).
  @discardableResult
  func request(_ method: String, _ params: JSON) -> JSON {
    nextID += 1
    let id = nextID
    server.handle(.object([("jsonrpc", .string("2.0")), ("id", .int(id)), ("method", .string(method)), ("params", params)]))
    let response = sent.last { $0["id"]?.int == id }
    return response?["result"] ?? response ?? .null
  }

  func notify(_ method: String, _ params: JSON) {
    server.handle(.object([("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]))
  }

  func open(_ rel: String, text: String? = nil) {
    let t = text ?? (try! String(contentsOfFile: root + "/" + rel, encoding: .utf8))
    notify(
      "textDocument/didOpen",
      .object([("textDocument", .object([("uri", .string(uri(rel))), ("languageId", .string("accrue")), ("version", .int(1)), ("text", .string(t))]))]))
  }

  func change(_ rel: String, version: Int, line: Int, from: Int, to: Int, text: String) {
    let range = JSON.object([
      ("start", .object([("line", .int(line)), ("character", .int(from))])), ("end", .object([("line", .int(line)), ("character", .int(to))])),
    ])
    notify(
      "textDocument/didChange",
      .object([
        ("textDocument", .object([("uri", .string(uri(rel))), ("version", .int(version))])),
        ("contentChanges", .array([.object([("range", range), ("text", .string(text))])])),
      ]))
  }

  /// The diagnostics last published for a file.
  func diagnostics(_ rel: String) -> [JSON] {
    let u = uri(rel)
    return sent.last { $0["method"]?.string == "textDocument/publishDiagnostics" && $0["params"]?["uri"]?.string == u }?["params"]?["diagnostics"]?.array ?? []
  }

  static func at(_ uri: String, _ line: Int, _ character: Int) -> JSON {
    .object([("textDocument", .object([("uri", .string(uri))])), ("position", .object([("line", .int(line)), ("character", .int(character))]))])
  }

  func at(_ rel: String, _ line: Int, _ character: Int) -> JSON { Self.at(uri(rel), line, character) }

  func doc(_ rel: String) -> JSON { .object([("textDocument", .object([("uri", .string(uri(rel)))]))]) }
}

/// A small rule set: an entry file that includes another; a constant, a definition, a metric, a calendar, a
/// plan, a cadence and a match rule.
enum Fixture {
  static let main = """
    currency USD
    month end clamp
    include "shared/calendars.accrue"

    let standard_net_terms = 30 days

    define seat_price(seats: number): money = if seats > 10 then 12.00 USD else 15.00 USD

    metric api_calls "API calls" {
      event "api.request"
      sum of event.quantity
    }

    plan team "Team" {
      period monthly
      bill in advance
      charge seats "Seats" {
        per unit seat_price(contract.seats)
        quantity contract.seats
      }
      charge api "API calls" {
        usage api_calls
        bill in arrears
        per unit 0.001 USD
      }
      payment terms net standard_net_terms
    }

    cadence standard "Standard" {
      calendar us_banks
      step first_notice "First notice" 3 days after due {
        send email "first-notice"
      }
    }

    match by_reference "By reference" {
      reference pattern /INV-[0-9]+/ in remittance
      allocate exact single
    }

    """

  static let calendars = """
    calendar us_banks "US banks" {
      weekend saturday, sunday
      holiday 2026-12-25 "Christmas Day"
    }

    """

  static var files: [String: String] { ["main.accrue": main, "shared/calendars.accrue": calendars] }
}
