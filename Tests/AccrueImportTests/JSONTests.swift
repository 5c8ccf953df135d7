import AccrueCore
import AccrueImport
import Testing

private let csvUsage = #"""
  id,customer,contract,date,name,quantity,amount,currency
  e1,c1,k1,2026-10-15,api.request,12,,
  e2,c2,,2026-10-16,"say ""hi""",0.5,12.50,USD
  e3,c3,k3,2026-10-17,café,,1.250,BHD

  """#

private let objects = [
  #"{"id": "e1", "customer": "c1", "contract": "k1", "date": "2026-10-15", "name": "api.request", "quantity": 12, "amount": null}"#,
  #"{"id": "e2", "customer": "c2", "contract": null, "date": "2026-10-16", "name": "say \"hi\"", "quantity": 0.5, "amount": "12.50", "currency": "USD"}"#,
  #"{"currency": "BHD", "amount": 1.250, "name": "caf\u00e9", "date": "2026-10-17", "contract": "k3", "customer": "c3", "id": "e3"}"#,
]

@Suite("JSON and JSON Lines")
struct JSONTests {
  @Test("CSV, a JSON array and JSON Lines with the same rows give the same values")
  func sameRows() {
    let csv = readText(csvUsage, schema: Schemas.usage)
    let array = readText("[\n" + objects.joined(separator: ",\n") + "\n]\n", name: "u.json", schema: Schemas.usage)
    let lines = readText(objects.joined(separator: "\n") + "\n", name: "u.jsonl", schema: Schemas.usage)
    #expect(csv.issues.isEmpty && array.issues.isEmpty && lines.issues.isEmpty)
    #expect(csv.rows.count == 3)
    #expect(array.rows.map(\.values) == csv.rows.map(\.values))
    #expect(lines.rows.map(\.values) == csv.rows.map(\.values))
    #expect(csv.rows[1].values == [
      .text("e2"), .text("c2"), .missing, .date(day("2026-10-16")), .text("say \"hi\""), .number(fx("0.5")),
      .money(fx("12.5")), .currency(.USD),
    ])
    #expect(array.rows.map(\.line) == [2, 3, 4])
    #expect(lines.rows.map(\.line) == [1, 2, 3])
    #expect(lines.rows[0].raw == objects[0])
  }

  @Test("lines and columns point at the value, in scalars, across a pretty-printed array")
  func positions() {
    let json = """
      [
        {"id": "e1", "customer": "c1", "date": "2026-13-01", "name": "x"},
        {
          "id": "e2",
          "customer": "c2",
          "date": "2026-10-01",
          "name": "x",
          "quantity": "abc"
        },
        {"id": "e3", "customer": "c3", "date": "2026-10-02", "name": "ünï", "quantity": 3}
      ]
      """
    let (rows, issues) = readText(json, name: "u.json", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.json:2:42 D0204", "u.json:8:17 D0205"])
    #expect(issues[1].record.hasPrefix("{\n    \"id\": \"e2\","))
    #expect(rows.count == 1)
    #expect(rows[0].line == 10)
    #expect(rows[0].columns[5] == 83 && rows[0].lines[5] == 10)
    #expect(rows[0].columns[2] == 3)  // absent key: the object's position
  }

  @Test("JSON Lines: empty lines are skipped, a bad line does not stop the file")
  func jsonLines() {
    let jsonl = """
      {"id":"e1","customer":"c1","date":"2026-10-01","name":"a"}

      {"id":"e2","customer":"c1","date":"2026-10-01","name":"a",}
      {"id":"e3","customer":"c1","date":"2026-10-01","name":"a"} x
      [1]
        \t
      {"id":"e4","customer":"c1","date":"2026-10-01","name":"a"}
      """
    let (rows, issues) = readText(jsonl, name: "u.jsonl", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.jsonl:3:59 D0102", "u.jsonl:4:60 D0102", "u.jsonl:5:1 D0102"])
    #expect(rows.map(\.line) == [1, 7])
    #expect(issues[0].record.hasPrefix("{\"id\":\"e2\""))
  }

  @Test("a syntax error in a JSON array is reported once and ends the file")
  func arraySyntax() {
    let json = #"[{"id":"e1","customer":"c1","date":"2026-10-01","name":"a"}, {"id": "e2" "customer": "c1"}, {}]"#
    let (rows, issues) = readText(json, name: "u.json", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.json:1:74 D0102"])
    #expect(rows.count == 1)
  }

  @Test("array elements that are not objects are D0102 each")
  func nonObjects() {
    let json = #"[1, {"id":"e1","customer":"c1","date":"2026-10-01","name":"a"}, "x", [2, {"k": [true]}], null]"#
    let (rows, issues) = readText(json, name: "u.json", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.json:1:2 D0102", "u.json:1:65 D0102", "u.json:1:70 D0102", "u.json:1:90 D0102"])
    #expect(rows.count == 1)
  }

  @Test("nested objects and arrays as values are D0102 for the row; parsing goes on")
  func nested() {
    let jsonl = """
      {"id":"e1","customer":{"a":[1,2,{"b":null}]},"date":"2026-10-01","name":"a"}
      {"id":"e2","customer":"c1","date":"2026-10-01","name":"a","quantity":[]}
      {"id":"e3","customer":"c1","date":"2026-10-01","name":"a"}
      """
    let (rows, issues) = readText(jsonl, name: "u.jsonl", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.jsonl:1:23 D0102", "u.jsonl:2:70 D0102"])
    #expect(rows.map { $0.values[0] } == [.text("e3")])
  }

  @Test("unknown keys are D0202 once, at the first object having them; rows are still read")
  func unknownKeys() {
    let jsonl = """
      {"id":"e1","customer":"c1","date":"2026-10-01","name":"a"}
      {"id":"e2","customer":"c1","date":"2026-10-01","name":"a","Quantity":1,"x":2}
      {"id":"e3","customer":"c1","date":"2026-10-01","name":"a","Quantity":1,"x":2}
      """
    let (rows, issues) = readText(jsonl, name: "u.jsonl", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.jsonl:2:59 D0202", "u.jsonl:2:72 D0202"])
    #expect(issues[0].message.contains("did you mean 'quantity'"))
    #expect(rows.count == 3)
  }

  @Test("absent required keys are D0203 at the object; null is missing; duplicate keys are D0102")
  func missingAndDuplicates() {
    let jsonl = """
      {"id":"e1","date":"2026-10-01","name":"a"}
      {"id":"e2","customer":null,"date":"2026-10-01","name":"a"}
        {"id":"e3","id":"e4","customer":"c","date":"2026-10-01","name":"a"}
      {"id":"e5","customer":"c","date":"2026-10-01","name":"a","contract":null,"quantity":null}
      """
    let (rows, issues) = readText(jsonl, name: "u.jsonl", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.jsonl:1:1 D0203", "u.jsonl:2:23 D0203", "u.jsonl:3:14 D0102"])
    #expect(rows.count == 1)
    #expect(rows[0].values[2] == .missing && rows[0].values[5] == .missing)
  }

  @Test("invalid UTF-8, lone surrogates and raw control characters in strings are D0102")
  func badStrings() {
    var bytes = Array(#"{"id":"e1","customer":"c"#.utf8) + [0xFF] + Array(#"","date":"2026-10-01","name":"a"}"#.utf8)
    bytes += Array("\n".utf8)
    bytes += Array(#"{"id":"é\ud800","customer":"c","date":"2026-10-01","name":"a"}"#.utf8) + [0x0A]
    bytes += Array("{\"id\":\"a\u{01}b\",\"customer\":\"c\",\"date\":\"2026-10-01\",\"name\":\"a\"}\n".utf8)
    bytes += Array(#"{"id":"ok","customer":"c","date":"2026-10-01","name":"a"}"#.utf8)
    let (rows, issues) = readBytes(bytes, name: "u.jsonl", schema: Schemas.usage)
    #expect(wheres(issues) == ["u.jsonl:1:25 D0102", "u.jsonl:2:9 D0102", "u.jsonl:3:9 D0102"])
    #expect(rows.map { $0.values[0] } == [.text("ok")])
  }

  @Test("whole-file shapes: empty, not an array, unclosed, trailing content, byte order mark")
  func shapes() {
    #expect(wheres(readText("", name: "u.json", schema: Schemas.usage).issues) == ["u.json:1:1 D0102"])
    #expect(wheres(readText("  \n ", name: "u.json", schema: Schemas.usage).issues) == ["u.json:2:2 D0102"])
    let object = readText(#"{"id":"e1"}"#, name: "u.json", schema: Schemas.usage)
    #expect(wheres(object.issues) == ["u.json:1:1 D0102"])
    #expect(object.issues[0].message.contains(".jsonl"))
    let empty = readText("[ ]", name: "u.json", schema: Schemas.usage)
    #expect(empty.rows.isEmpty && empty.issues.isEmpty)
    let emptyLines = readText("", name: "u.jsonl", schema: Schemas.usage)
    #expect(emptyLines.rows.isEmpty && emptyLines.issues.isEmpty)
    let one = #"{"id":"e1","customer":"c1","date":"2026-10-01","name":"a"}"#
    let unclosed = readText("[" + one, name: "u.json", schema: Schemas.usage)
    #expect(unclosed.rows.count == 1)
    #expect(wheres(unclosed.issues) == ["u.json:1:60 D0102"])
    let trailing = readText("[" + one + "] x", name: "u.json", schema: Schemas.usage)
    #expect(trailing.rows.count == 1)
    #expect(wheres(trailing.issues) == ["u.json:1:62 D0102"])
    let trailingComma = readText("[" + one + ",]", name: "u.json", schema: Schemas.usage)
    #expect(wheres(trailingComma.issues) == ["u.json:1:61 D0102"])
    let bom = readText("\u{FEFF}[" + one + "]", name: "u.json", schema: Schemas.usage)
    #expect(bom.rows.count == 1 && bom.issues.isEmpty)
    #expect(bom.rows[0].columns[0] == 8)
    let bomLines = readText("\u{FEFF}" + one + "\r\n" + one, name: "u.jsonl", schema: Schemas.usage)
    #expect(bomLines.rows.count == 2 && bomLines.issues.isEmpty)
    #expect(bomLines.rows[0].raw == one)
  }

  @Test("invalid numbers and literals are syntax errors")
  func badTokens() {
    for (value, column) in [("012", 7), ("1.", 7), ("-", 7), ("1e", 7), ("tru", 7), ("nulls", 7), ("+1", 7), ("0x10", 7)] {
      let (rows, issues) = readText("{\"id\":\(value)}\n", name: "u.jsonl", schema: Schemas.single(.number))
      #expect(rows.isEmpty)
      #expect(wheres(issues) == ["u.jsonl:1:\(column) D0102"], "\(value)")
    }
  }
}
