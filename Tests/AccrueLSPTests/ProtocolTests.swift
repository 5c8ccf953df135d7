import AccrueLSP
import AccrueRender
import Foundation
import Testing

@Suite struct ProtocolTests {
  static func framed(_ s: String) -> [UInt8] { Array("Content-Length: \(s.utf8.count)\r\n\r\n\(s)".utf8) }

  @Test func framerSplitsMessagesWhateverTheChunks() {
    let bytes = Self.framed(#"{"a":1}"#) + Self.framed(#"{"b":"é"}"#)
    for size in [1, 3, 7, bytes.count] {
      var f = Framer()
      var got: [Frame] = []
      var i = 0
      while i < bytes.count {
        f.push(Array(bytes[i..<min(bytes.count, i + size)]))
        while let fr = f.next() { got.append(fr) }
        i += size
      }
      #expect(got == [.message(Array(#"{"a":1}"#.utf8)), .message(Array(#"{"b":"é"}"#.utf8))])
    }
  }

  @Test func framerSkipsAHeaderWithoutLengthAndGoesOn() {
    var f = Framer()
    f.push(Array("Content-Type: x\r\n\r\n".utf8) + Self.framed("{}"))
    guard case .badHeader? = f.next() else {
      Issue.record("expected a bad header")
      return
    }
    #expect(f.next() == .message(Array("{}".utf8)))
    #expect(f.next() == nil)
  }

  @Test func jsonParserReadsEscapesAndRefusesDeepNesting() throws {
    let v = try JSONParser.parse(#"{"s":"a\"b\u00e9\ud83d\ude00","n":-12,"x":1.5,"t":true,"z":null,"l":[1,2]}"#).get()
    #expect(v["s"]?.string == "a\"bé😀")
    #expect(v["n"]?.int == -12)
    #expect(v["x"] == .number("1.5"))
    #expect(v["t"]?.bool == true)
    #expect(v["z"]?.isNull == true)
    #expect(v["l"]?.array?.count == 2)
    let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
    guard case .failure(let e) = JSONParser.parse(deep) else {
      Issue.record("deep nesting accepted")
      return
    }
    #expect(e.message.contains("nested"))
    for bad in ["", "{", #"{"a" 1}"#, "[1,]", "tru", #""\x""#, "{} x"] {
      guard case .failure = JSONParser.parse(bad) else {
        Issue.record("'\(bad)' accepted")
        continue
      }
    }
  }

  @Test func positionsCountUTF16Units() {
    // "€" is 3 bytes and 1 unit; "😀" is 4 bytes and 2 units.
    let m = LineMap(bytes: Array("a€b😀c\r\nxyz".utf8))
    #expect(m.offset(of: Position(line: 0, character: 2)) == 4)  // after '€'
    #expect(m.offset(of: Position(line: 0, character: 5)) == 9)  // after the emoji
    #expect(m.offset(of: Position(line: 0, character: 4)) == 5)  // inside the pair: before it
    #expect(m.offset(of: Position(line: 0, character: 99)) == 10)  // past the end: the line's end, before CR LF
    #expect(m.offset(of: Position(line: 1, character: 1)) == 13)
    #expect(m.offset(of: Position(line: 9, character: 0)) == 15)
    #expect(m.position(of: 9) == Position(line: 0, character: 5))
    #expect(m.position(of: 13) == Position(line: 1, character: 1))
  }

  @Test func incrementalAndFullChanges() {
    var d = TextDocument(uri: "file:///x.accrue", version: 1, text: "let a = 1\nlet b = 2\n")
    d.apply(range: LSPRange(Position(line: 1, character: 4), Position(line: 1, character: 5)), text: "€€")
    #expect(d.text == "let a = 1\nlet €€ = 2\n")
    d.apply(range: LSPRange(Position(line: 1, character: 6), Position(line: 2, character: 0)), text: " = 3\nlet c = 4\n")
    #expect(d.text == "let a = 1\nlet €€ = 3\nlet c = 4\n")
    d.apply(range: nil, text: "x")
    #expect(d.text == "x")
  }

  @Test func urisRoundTripWithSpaces() {
    #expect(URIs.path("file:///tmp/a%20b/r.accrue") == "/tmp/a b/r.accrue")
    #expect(URIs.uri("/tmp/a b/r.accrue") == "file:///tmp/a%20b/r.accrue")
  }

  @Test func errorsForBadMessagesNeverACrash() {
    let h = Harness(files: Fixture.files, initialize: false)
    // Before initialize: requests are refused with ServerNotInitialized.
    #expect(h.request("textDocument/hover", h.at("main.accrue", 0, 0))["error"]?["code"]?.int == -32002)
    h.request("initialize", .object([]))
    h.server.handle(.message(Array("{not json".utf8)))
    #expect(h.sent.last?["error"]?["code"]?.int == -32700)
    #expect(h.sent.last?["id"]?.isNull == true)
    h.server.handle(.object([("jsonrpc", .string("2.0")), ("id", .int(7))]))
    #expect(h.sent.last?["error"]?["code"]?.int == -32600)
    h.server.handle(.array([]))
    #expect(h.sent.last?["error"]?["code"]?.int == -32600)
    #expect(h.request("no/such", .object([]))["error"]?["code"]?.int == -32601)
    #expect(h.request("textDocument/hover", .object([]))["error"]?["code"]?.int == -32602)
    #expect(h.request("textDocument/hover", .string("x"))["error"]?["code"]?.int == -32602)
    #expect(h.request("initialize", .object([]))["error"]?["code"]?.int == -32600)
    h.server.handle(.badHeader("x"))
    #expect(h.sent.last?["error"]?["code"]?.int == -32700)
  }

  @Test func shutdownThenExitIsZeroExitWithoutShutdownIsOne() {
    let h = Harness(files: Fixture.files)
    #expect(h.request("shutdown", .null) == .null)
    #expect(h.request("textDocument/hover", h.at("main.accrue", 0, 0))["error"]?["code"]?.int == -32600)
    h.notify("exit", .null)
    #expect(h.server.exitCode == 0)
    let h2 = Harness(files: Fixture.files)
    h2.notify("exit", .null)
    #expect(h2.server.exitCode == 1)
  }

  @Test func theRunLoopAnswersOverPipesAndEndsOnExit() throws {
    let input = Pipe()
    let output = Pipe()
    let inFD = input.fileHandleForReading.fileDescriptor
    let outFD = output.fileHandleForWriting.fileDescriptor
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var status: Int32 = -1
    Thread.detachNewThread {
      status = LSPMain.run(input: inFD, output: outFD)
      done.signal()
    }
    let w = input.fileHandleForWriting
    w.write(Data(Self.framed(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#)))
    w.write(Data("garbage\r\n\r\n".utf8))
    w.write(Data(Self.framed(#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#)))
    w.write(Data(Self.framed(#"{"jsonrpc":"2.0","method":"exit"}"#)))
    #expect(done.wait(timeout: .now() + 20) == .success)
    #expect(status == 0)
    try output.fileHandleForWriting.close()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(text.contains(#""serverInfo""#))
    #expect(text.contains(#""code":-32700"#))
    #expect(text.contains(#""id":2,"result":null"#))
  }
}
