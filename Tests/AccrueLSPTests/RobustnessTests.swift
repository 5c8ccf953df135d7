import AccrueLSP
import AccrueRender
import Foundation
import Testing

/// Every method with random parameters, random edits and random bytes: every request answered, never a crash.
@Suite struct LSPRobustnessTests {
  struct Rng {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(max(1, n)))
    }
  }

  static let methods = [
    "textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/prepareRename", "textDocument/rename",
    "textDocument/documentSymbol", "textDocument/completion", "textDocument/formatting", "textDocument/codeAction",
    "textDocument/semanticTokens/full", "textDocument/foldingRange", "textDocument/codeLens", "accrue/explain", "accrue/stats",
  ]

  static func value(_ r: inout Rng, _ uri: String, depth: Int = 0) -> JSON {
    switch r.next(depth > 2 ? 5 : 8) {
    case 0: return .int(r.next(3) == 0 ? -r.next(1000) : r.next(200))
    case 1: return .string(["", "x", "E0303", "seats", uri, "file:///nowhere/x.accrue", "../../etc"][r.next(7)])
    case 2: return .null
    case 3: return .bool(r.next(2) == 0)
    case 4: return Position(line: r.next(60), character: r.next(90)).json
    case 5: return .array((0..<r.next(3)).map { _ in value(&r, uri, depth: depth + 1) })
    default:
      let keys = ["textDocument", "position", "range", "uri", "newName", "context", "code", "start", "end", "line", "character"]
      return .object((0..<r.next(4)).map { _ in (keys[r.next(keys.count)], value(&r, uri, depth: depth + 1)) })
    }
  }

  @Test func randomRequestsAndEditsAreAlwaysAnswered() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    var r = Rng(state: 42)
    var requests = 1  // initialize
    let uri = h.uri("main.accrue")
    for n in 0..<600 {
      if r.next(5) == 0 {
        let line = r.next(45)
        h.change("main.accrue", version: n + 2, line: line, from: r.next(30), to: r.next(40), text: ["", "x", "{", "}", "\n", "€", "😀", "seats", " + "][r.next(9)])
        continue
      }
      let method = Self.methods[r.next(Self.methods.count)]
      var params: [(String, JSON)] = [("textDocument", .object([("uri", .string(r.next(6) == 0 ? "untitled:x" : uri))]))]
      for _ in 0..<r.next(4) {
        let keys = ["position", "range", "newName", "context", "code", "options"]
        params.append((keys[r.next(keys.count)], Self.value(&r, uri)))
      }
      if r.next(3) > 0 { params.append(("position", Position(line: r.next(45), character: r.next(60)).json)) }
      requests += 1
      let answer = h.request(method, r.next(10) == 0 ? Self.value(&r, uri) : .object(params))
      let isError = answer["error"] != nil
      #expect(isError ? answer["error"]?["code"]?.int != nil : true, "\(method)")
    }
    // Random bytes as a message body.
    for _ in 0..<200 {
      let body = (0..<r.next(40)).map { _ in UInt8(r.next(256)) }
      h.server.handle(.message(body))
    }
    #expect(h.request("textDocument/documentSymbol", h.doc("main.accrue"))["error"] == nil)
    // One answer per request (the random bodies answered with id null).
    #expect(h.sent.filter { $0["id"]?.int != nil }.count == requests + 1)
    #expect(h.sent.contains { $0["id"]?.isNull == true && $0["error"]?["code"]?.int == -32700 })
  }
}
