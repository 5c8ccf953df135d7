import AccrueLSP
import AccrueRender
import AccrueTestSupport
import Foundation
import Testing

/// Each feature over the fixture rule set (Harness.swift): lines are 0-based, as in the protocol.
@Suite struct FeatureTests {
  @Test func diagnosticsOnOpenAndChangeAcrossIncludedFiles() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    #expect(h.diagnostics("main.accrue").isEmpty)
    #expect(h.sent.contains { $0["params"]?["uri"]?.string == h.uri("shared/calendars.accrue") })
    // Line 18: "    quantity contract.seats" -> an unknown field, with its code, link and fix.
    h.change("main.accrue", version: 2, line: 18, from: 22, to: 27, text: "seatz")
    let d = h.diagnostics("main.accrue")
    #expect(d.count == 1)
    #expect(d.first?["code"]?.string == "E0303")
    #expect(d.first?["severity"]?.int == 1)
    #expect(d.first?["codeDescription"]?["href"]?.string == "accrue-explain:E0303")
    #expect(d.first?["message"]?.string?.contains("did you mean 'seats'") == true)
    #expect(d.first?["range"] == LSPRange(Position(line: 18, character: 22), Position(line: 18, character: 27)).json)
    // The included file declares the same constant: the note points into it.
    h.open("shared/calendars.accrue", text: Fixture.calendars + "let standard_net_terms = 45 days\n")
    let dup = h.diagnostics("main.accrue").first { $0["code"]?.string == "E0302" }
    let related = dup?["relatedInformation"]?.array?.first
    #expect(related?["location"]?["uri"]?.string == h.uri("shared/calendars.accrue"))
    #expect(related?["location"]?["range"]?["start"]?["line"]?.int == 4)
    // Fixed again: the diagnostics clear.
    h.change("main.accrue", version: 3, line: 18, from: 22, to: 27, text: "seats")
    h.notify("textDocument/didClose", h.doc("shared/calendars.accrue"))
    #expect(h.diagnostics("main.accrue").isEmpty)
  }

  @Test func changesInQuickSuccessionAreCheckedOnceAfterTheDebounce() {
    let root = TemporaryPaths.make("accrue-lsp-debounce")
    try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    let uri = URIs.uri(root + "/main.accrue")
    let queue = DispatchQueue(label: "test.lsp")
    let lock = NSLock()
    nonisolated(unsafe) var published: [Int] = []
    let server = LanguageServer(queue: queue) { m in
      guard m["method"]?.string == "textDocument/publishDiagnostics", m["params"]?["uri"]?.string == uri else { return }
      lock.lock()
      published.append(m["params"]?["version"]?.int ?? -1)
      lock.unlock()
    }
    func send(_ method: String, _ params: JSON, id: Int? = nil) {
      var fields: [(String, JSON)] = [("jsonrpc", .string("2.0")), ("method", .string(method)), ("params", params)]
      if let id { fields.append(("id", .int(id))) }
      queue.sync { server.handle(.object(fields)) }
    }
    send("initialize", .object([("initializationOptions", .object([("debounceMilliseconds", .int(30))]))]), id: 1)
    send("textDocument/didOpen", .object([("textDocument", .object([("uri", .string(uri)), ("version", .int(1)), ("text", .string("let a = 1\n"))]))]))
    for v in 2...4 {
      send(
        "textDocument/didChange",
        .object([
          ("textDocument", .object([("uri", .string(uri)), ("version", .int(v))])),
          ("contentChanges", .array([.object([("text", .string("let a = \(v)\n"))])])),
        ]))
    }
    Thread.sleep(forTimeInterval: 0.4)
    queue.sync {}
    lock.lock()
    #expect(published == [4])
    lock.unlock()
  }

  @Test func filesChangedOnDiskAreReadAgainWhenTheClientSaysSo() throws {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    #expect(h.diagnostics("main.accrue").isEmpty)
    try (Fixture.calendars + "let standard_net_terms = 45 days\n").write(toFile: h.root + "/shared/calendars.accrue", atomically: true, encoding: .utf8)
    h.notify("workspace/didChangeWatchedFiles", .object([("changes", .array([.object([("uri", .string(h.uri("shared/calendars.accrue"))), ("type", .int(2))])]))]))
    #expect(h.diagnostics("main.accrue").map { $0["code"]?.string } == ["E0302"])
  }

  @Test func formattingGivesTheFmtLayout() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    #expect(h.request("textDocument/formatting", h.doc("main.accrue")) == .array([]))
    h.change("main.accrue", version: 2, line: 14, from: 0, to: 2, text: "        ")
    let edits = h.request("textDocument/formatting", h.doc("main.accrue")).array ?? []
    #expect(edits.count == 1)
    #expect(edits.first?["newText"]?.string == Fixture.main)
    h.change("main.accrue", version: 3, line: 14, from: 0, to: 8, text: "  period {")
    let e = h.request("textDocument/formatting", h.doc("main.accrue"))
    #expect(e["error"]?["code"]?.int == -32803)
    #expect(e["error"]?["message"]?.string?.contains("line 15") == true)
  }

  @Test func hoverTellsTypesValuesChargesAndExplanations() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    let constant = h.request("textDocument/hover", h.at("main.accrue", 25, 22))["contents"]?["value"]?.string ?? ""
    #expect(constant.contains("standard_net_terms**: constant"))
    #expect(constant.contains("its value is days"))
    #expect(constant.contains("30 days"))
    let plan = h.request("textDocument/hover", h.at("main.accrue", 13, 6))["contents"]?["value"]?.string ?? ""
    #expect(plan.contains("2 charges"))
    #expect(plan.contains("charge `seats` \"Seats\": per unit seat_price(contract.seats); quantity contract.seats"))
    let metric = h.request("textDocument/hover", h.at("main.accrue", 21, 12))["contents"]?["value"]?.string ?? ""
    #expect(metric.contains("sum of event.quantity"))
    let field = h.request("textDocument/hover", h.at("main.accrue", 18, 24))["contents"]?["value"]?.string ?? ""
    #expect(field.contains("contract.seats**: a number"))
    let expr = h.request("textDocument/hover", h.at("main.accrue", 6, 78))["contents"]?["value"]?.string ?? ""
    #expect(expr.contains("`15.00 USD` is money in USD"))
    h.change("main.accrue", version: 2, line: 18, from: 22, to: 27, text: "seatz")
    let diag = h.request("textDocument/hover", h.at("main.accrue", 18, 24))["contents"]?["value"]?.string ?? ""
    #expect(diag.contains("**E0303** unknown-field"))
  }

  @Test func definitionReferencesAndRenameAcrossFiles() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    let def = h.request("textDocument/definition", h.at("main.accrue", 29, 12))
    #expect(def["uri"]?.string == h.uri("shared/calendars.accrue"))
    #expect(def["range"]?["start"] == Position(line: 0, character: 9).json)
    let inc = h.request("textDocument/definition", h.at("main.accrue", 2, 14))
    #expect(inc["uri"]?.string == h.uri("shared/calendars.accrue"))
    let refs = h.request("textDocument/references", h.at("main.accrue", 8, 9)).array ?? []
    #expect(refs.map { $0["range"]?["start"]?["line"]?.int } == [8, 21])
    let param = h.request("textDocument/references", h.at("main.accrue", 6, 20)).array ?? []
    #expect(param.count == 2)  // the parameter and its use, not contract.seats elsewhere
    let edit = h.request(
      "textDocument/rename",
      .object([
        ("textDocument", .object([("uri", .string(h.uri("main.accrue")))])),
        ("position", Position(line: 29, character: 12).json), ("newName", .string("us_bank_days")),
      ]))
    let changes = edit["changes"]
    #expect(changes?[h.uri("main.accrue")]?.array?.count == 1)
    #expect(changes?[h.uri("shared/calendars.accrue")]?.array?.first?["newText"]?.string == "us_bank_days")
    let bad = h.request(
      "textDocument/rename",
      .object([
        ("textDocument", .object([("uri", .string(h.uri("main.accrue")))])), ("position", Position(line: 29, character: 12).json),
        ("newName", .string("and")),
      ]))
    #expect(bad["error"]?["message"]?.string?.contains("reserved") == true)
    let clash = h.request(
      "textDocument/rename",
      .object([
        ("textDocument", .object([("uri", .string(h.uri("main.accrue")))])), ("position", Position(line: 29, character: 12).json),
        ("newName", .string("team")),
      ]))
    #expect(clash["error"]?["message"]?.string?.contains("already the name of a plan") == true)
    #expect(h.request("textDocument/prepareRename", h.at("main.accrue", 18, 24))["error"]?["code"]?.int == -32803)
    let file = h.request(
      "textDocument/rename",
      .object([
        ("textDocument", .object([("uri", .string(h.uri("main.accrue")))])), ("position", Position(line: 2, character: 14).json),
        ("newName", .string("shared/banks.accrue")),
      ]))
    let ops = file["documentChanges"]?.array ?? []
    #expect(ops.first?["newUri"]?.string == h.uri("shared/banks.accrue"))
    #expect(ops.last?["edits"]?.array?.first?["newText"]?.string == "\"shared/banks.accrue\"")
  }

  @Test func documentSymbolsNestChargesAndSteps() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    let symbols = h.request("textDocument/documentSymbol", h.doc("main.accrue")).array ?? []
    #expect(symbols.map { $0["name"]?.string ?? "" } == ["standard_net_terms", "seat_price", "api_calls", "team", "standard", "by_reference"])
    let team = symbols.first { $0["name"]?.string == "team" }
    #expect(team?["children"]?.array?.map { $0["name"]?.string ?? "" } == ["seats", "api"])
    #expect(symbols.first { $0["name"]?.string == "standard" }?["children"]?.array?.first?["name"]?.string == "first_notice")
  }

  @Test func completionOffersFieldsNamesStatementsAndCurrencies() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    func labels(_ line: Int, _ ch: Int) -> [String] {
      (h.request("textDocument/completion", h.at("main.accrue", line, ch))["items"]?.array ?? []).compactMap { $0["label"]?.string }
    }
    h.change("main.accrue", version: 2, line: 18, from: 13, to: 27, text: "contract.")
    #expect(labels(18, 22).contains("seats"))
    #expect(labels(18, 22).contains("start_date"))
    h.change("main.accrue", version: 3, line: 18, from: 13, to: 22, text: "standard_net_terms + 1")
    let expr = labels(18, 15)
    #expect(expr.contains("standard_net_terms"))
    #expect(expr.contains("seat_price"))
    #expect(expr.contains("contract"))
    h.change("main.accrue", version: 4, line: 18, from: 0, to: 35, text: "    ")
    let statements = labels(18, 4)
    #expect(statements.contains("per unit"))
    #expect(statements.contains("quantity"))
    #expect(!statements.contains("step"))
    h.change("main.accrue", version: 5, line: 18, from: 0, to: 4, text: "    flat 12.00 ")
    #expect(labels(18, 15).first == "USD")
    h.change("main.accrue", version: 6, line: 18, from: 0, to: 15, text: "    usage ")
    #expect(labels(18, 10) == ["api_calls"])
  }

  @Test func codeActionsApplyTheCheckersFixes() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    h.change("main.accrue", version: 2, line: 18, from: 22, to: 27, text: "seatz")
    let range = LSPRange(Position(line: 18, character: 0), Position(line: 18, character: 30)).json
    let actions = h.request("textDocument/codeAction", .object([("textDocument", .object([("uri", .string(h.uri("main.accrue")))])), ("range", range)])).array ?? []
    #expect(actions.count == 1)
    #expect(actions.first?["title"]?.string == "replace 'seatz' with 'seats'")
    #expect(actions.first?["edit"]?["changes"]?[h.uri("main.accrue")]?.array?.first?["newText"]?.string == "seats")
  }

  @Test func semanticTokensAndFoldingRanges() {
    let h = Harness(files: Fixture.files)
    h.open("main.accrue")
    // The numbers are written straight into the answer's text: read it back as a client would.
    let answer = h.request("textDocument/semanticTokens/full", h.doc("main.accrue")).serialized()
    let data = ((try? JSONParser.parse(answer).get())?["data"]?.array ?? []).compactMap(\.int)
    #expect(data.count % 5 == 0)
    // Decode to (line, character, length, type) and look at line 4: "let standard_net_terms = 30 days".
    var tokens: [(Int, Int, Int, Int, Int)] = []
    var line = 0
    var ch = 0
    for i in stride(from: 0, to: data.count, by: 5) {
      line += data[i]
      ch = data[i] == 0 ? ch + data[i + 1] : data[i + 1]
      tokens.append((line, ch, data[i + 2], data[i + 3], data[i + 4]))
    }
    let types = ["keyword", "variable", "function", "parameter", "property", "class", "namespace", "enum", "event", "interface", "enumMember", "number", "string", "regexp", "comment", "operator", "type", "method"]
    let line4 = tokens.filter { $0.0 == 4 }.map { types[$0.3] }
    #expect(line4 == ["keyword", "variable", "operator", "number", "keyword"])
    #expect(tokens.contains { $0.0 == 4 && $0.1 == 4 && $0.4 & 1 == 1 })  // the declaration
    #expect(tokens.contains { $0.0 == 13 && types[$0.3] == "class" })
    let folds = h.request("textDocument/foldingRange", h.doc("main.accrue")).array ?? []
    let spans = folds.map { ($0["startLine"]?.int ?? -1, $0["endLine"]?.int ?? -1) }
    #expect(spans.contains { $0 == (13, 25) })
    #expect(spans.contains { $0 == (16, 18) })
  }

  @Test func semanticTokensCarryCommentsInOrder() throws {
    let h = Harness(files: ["main.accrue": "# a note\nlet rate = 2% # €\n"])
    h.open("main.accrue")
    let answer = h.request("textDocument/semanticTokens/full", h.doc("main.accrue")).serialized()
    let data = ((try JSONParser.parse(answer).get())["data"]?.array ?? []).compactMap(\.int)
    // comment (0,0,8); let (1,0,3); rate (1,4,4); = ; 2% ; comment (1,17,3)
    #expect(Array(data.prefix(5)) == [0, 0, 8, 14, 0])
    #expect(Array(data.suffix(5)) == [0, 3, 3, 14, 0])
    #expect(data.count == 30)
  }

  @Test func codeLensesShowTestsAndWhatEachRuleProduced() {
    let hooks = LSPHooks(
      runTests: { _ in
        [TestLensResult(file: "t.accrue-test", name: "ok", passed: true, summary: "passed"),
         TestLensResult(file: "u.accrue-test", name: "late", passed: false, summary: "line 3: expected invoices 1, got 0")]
      },
      planRun: { root, _, asOf in
        PlanLensResult(
          asOf: asOf ?? "",
          produced: [
            ProducedItem(kind: "invoice", key: "ctr-1/2026-11-01", file: root + "/main.accrue", line: 18),
            ProducedItem(kind: "invoice", key: "ctr-1/2026-11-01", file: root + "/main.accrue", line: 22),
            ProducedItem(kind: "invoice", key: "ctr-2/2026-11-01", file: root + "/main.accrue", line: 18),
            ProducedItem(kind: "reminder", key: "r1", file: root + "/main.accrue", line: 31),
          ])
      })
    let h = Harness(files: Fixture.files, hooks: hooks, options: .object([("dataFolder", .string("data")), ("asOf", .string("2026-11-01"))]))
    h.open("main.accrue")
    let titles = (h.request("textDocument/codeLens", h.doc("main.accrue")).array ?? []).compactMap { $0["command"]?["title"]?.string }
    #expect(titles.contains("rule tests: 1 passed, 1 failed"))
    #expect(titles.contains("✗ late: line 3: expected invoices 1, got 0"))
    #expect(titles.contains("2 invoices as of 2026-11-01"))
    #expect(titles.contains("1 reminder as of 2026-11-01"))
    #expect(titles.contains("no payment matchs on the data as of 2026-11-01") == false)
    #expect(titles.contains("no payment matches on the data as of 2026-11-01"))
  }
}
