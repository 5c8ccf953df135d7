import AccrueCore
import AccrueImport
import AccrueModel
import Testing

/// Three text columns, `id` and `name` required.
private let people = TableSchema(
  name: "customers",
  columns: [
    ColumnSpec(name: "id", type: .text, required: true),
    ColumnSpec(name: "name", type: .text, required: true),
    ColumnSpec(name: "segment", type: .text),
  ])

/// id, name (text) and day (date).
private let dated = TableSchema(
  name: "t",
  columns: [
    ColumnSpec(name: "id", type: .text, required: true),
    ColumnSpec(name: "name", type: .text),
    ColumnSpec(name: "day", type: .date),
  ])

private func texts(_ rows: [Row]) -> [[String?]] {
  rows.map { $0.values.map(\.text) }
}

@Suite("CSV structure")
struct CSVStructureTests {
  @Test("quoted fields hold commas, doubled quotes and line breaks")
  func quoting() {
    let csv = #"""
      id,name,segment
      c1,"Acme, Inc.","says ""hi"""
      c2,"Multi
      line",smb
      "c3","N",""

      """#
    let (rows, issues) = readText(csv, schema: people)
    #expect(issues.isEmpty)
    #expect(texts(rows) == [["c1", "Acme, Inc.", "says \"hi\""], ["c2", "Multi\nline", "smb"], ["c3", "N", nil]])
    #expect(rows.map(\.line) == [2, 3, 5])
    // The field after the multi-line one starts on line 4, column 7.
    #expect(rows[1].lines == [3, 3, 4])
    #expect(rows[1].columns == [1, 4, 7])
    #expect(rows[1].raw == "c2,\"Multi\nline\",smb")
    #expect(rows[0].columns == [1, 4, 17])
  }

  @Test("LF, CRLF, a byte order mark and a missing final newline give the same rows")
  func lineEnds() {
    let lf = "id,name,segment\nc1,Acme,smb\nc2,\"Two\nlines\",\n"
    let variants = [
      lf,
      lf.replacingOccurrences(of: "\n", with: "\r\n"),
      "\u{FEFF}" + lf,
      String(lf.dropLast()),
      "\u{FEFF}" + String(lf.replacingOccurrences(of: "\n", with: "\r\n").dropLast()),  // "\r\n" is one Character
    ]
    for text in variants {
      let (rows, issues) = readText(text, schema: people)
      #expect(issues.isEmpty, "\(issues)")
      #expect(rows.count == 2)
      #expect(rows.first?.values == [.text("c1"), .text("Acme"), .text("smb")])
      #expect(rows.first?.columns == [1, 4, 9])
      #expect(rows.last?.line == 3)
      #expect(rows.last?.values[2] == .missing)
      let two = rows.last?.values[1].text
      #expect(two == "Two\nlines" || two == "Two\r\nlines")  // line breaks inside quotes are kept as written
    }
  }

  @Test("the byte order mark is not counted in columns")
  func bomColumns() {
    let (_, issues) = readText("\u{FEFF}id,nme\nc1,x\n", schema: people)
    #expect(wheres(issues) == ["t.csv:1:4 D0202", "t.csv:1:1 D0201"])
  }

  @Test("rows with the wrong number of fields are D0101 at the first extra field or the record's end")
  func fieldCounts() {
    let csv = "id,name,segment\nc1,A\nc2,Acme,smb,extra\nc3,Ok,\n"
    let (rows, issues) = readText(csv, schema: people)
    #expect(wheres(issues) == ["t.csv:2:5 D0101", "t.csv:3:13 D0101"])
    #expect(issues[0].message.contains("expected 3 fields"))
    #expect(issues[0].record == "c1,A")
    #expect(issues[1].record == "c2,Acme,smb,extra")
    #expect(texts(rows) == [["c3", "Ok", nil]])
  }

  @Test("unknown columns are D0202 once on the header; names are case-sensitive")
  func unknownColumns() {
    let csv = "id,name,Segment,extra\nc1,A,x,y\nc2,B,x,y\nc3,C,x,y\n"
    let (rows, issues) = readText(csv, schema: people)
    #expect(wheres(issues) == ["t.csv:1:9 D0202", "t.csv:1:17 D0202"])
    #expect(issues[0].message.contains("did you mean 'segment'"))
    #expect(issues[0].record == "id,name,Segment,extra")
    // Unknown columns do not make rows bad: they are ignored (and reported once).
    #expect(texts(rows) == [["c1", "A", nil], ["c2", "B", nil], ["c3", "C", nil]])
  }

  @Test("a missing required column is D0201 once and no row is delivered")
  func missingColumn() {
    let csv = "ID,segment\nc1,smb\nc2,smb\n"
    let (rows, issues) = readText(csv, schema: people)
    #expect(wheres(issues) == ["t.csv:1:1 D0202", "t.csv:1:1 D0201", "t.csv:1:1 D0201"])
    #expect(issues[0].message.contains("did you mean 'id'"))
    #expect(issues[1].message.contains("'id'"))
    #expect(issues[2].message.contains("'name'"))
    #expect(rows.isEmpty)
  }

  @Test("an optional column may be absent: its values are missing")
  func optionalAbsent() {
    let (rows, issues) = readText("name,id\nAcme,c1\n", schema: people)
    #expect(issues.isEmpty)
    #expect(rows.first?.values == [.text("c1"), .text("Acme"), .missing])
    #expect(rows.first?.columns == [6, 1, 1])
  }

  @Test("a column named twice in the header is D0101")
  func duplicateHeader() {
    let (rows, issues) = readText("id,name,id\nc1,A,c1\n", schema: people)
    #expect(wheres(issues) == ["t.csv:1:9 D0101"])
    #expect(rows.count == 1)
  }

  @Test("blank lines are skipped but counted")
  func blankLines() {
    let (rows, issues) = readText("id,name,segment\n\nc1,A,\n\r\n\nc2,B,\n\n", schema: people)
    #expect(issues.isEmpty)
    #expect(rows.map(\.line) == [3, 6])
  }

  @Test("an empty file is D0101; a header alone gives no rows and no issues")
  func emptyFiles() {
    #expect(wheres(readText("", schema: people).issues) == ["t.csv:1:1 D0101"])
    #expect(wheres(readText("\u{FEFF}", schema: people).issues) == ["t.csv:1:1 D0101"])
    let headerOnly = readText("id,name,segment\n", schema: people)
    #expect(headerOnly.rows.isEmpty && headerOnly.issues.isEmpty)
  }

  @Test("an unterminated quote is reported at the quote; reading resumes on the next line")
  func unterminatedQuote() {
    let (rows, issues) = readText("id,name,segment\nc1,\"Acme,x\nc2,B,x\n", schema: people)
    #expect(wheres(issues) == ["t.csv:2:4 D0101"])
    #expect(issues[0].message.contains("unterminated"))
    #expect(texts(rows) == [["c2", "B", "x"]])
    #expect(rows[0].line == 3)
  }

  @Test("a quote inside an unquoted field, or text after a closing quote, is D0101 at that character")
  func strayQuotes() {
    let (rows, issues) = readText(
      "id,name,segment\nc1,5\" disk,x\nc2,\"ab\"c,x\nc3,\"é\" ,x\nc4,D,x\n", schema: people)
    #expect(wheres(issues) == ["t.csv:2:5 D0101", "t.csv:3:8 D0101", "t.csv:4:7 D0101"])
    #expect(texts(rows) == [["c4", "D", "x"]])
    #expect(rows[0].line == 5)
  }

  @Test("columns count Unicode scalars, also after a multi-line quoted field")
  func positions() {
    let csv = "id,name,day\nc1,Café ☕,2026-02-30\nc2,\"two\nlines, ü\",2026-13-01\nc3,\"x\"\"y\",bad\n"
    let (rows, issues) = readText(csv, schema: dated)
    #expect(rows.isEmpty)
    #expect(wheres(issues) == ["t.csv:2:11 D0204", "t.csv:4:11 D0204", "t.csv:5:11 D0204"])
    #expect(issues[1].record == "c2,\"two\nlines, ü\",2026-13-01")
    #expect(issues[2].message.contains("'bad'"))
  }

  @Test("invalid UTF-8 in a field is D0101 at the bad byte")
  func invalidUTF8() {
    var bytes = Array("id,name,segment\nc1,ab".utf8)
    bytes += [0xFF]
    bytes += Array("c,x\nc2,é".utf8)
    bytes += [0xC3]  // truncated sequence
    bytes += Array(",x\nc3,ok,\"q\n".utf8)
    bytes += [0xE2, 0x82]  // truncated inside a quoted multi-line field
    bytes += Array("\"\n".utf8)
    let (rows, issues) = readBytes(bytes, schema: people)
    #expect(wheres(issues) == ["t.csv:2:6 D0101", "t.csv:3:5 D0101", "t.csv:5:1 D0101"])
    #expect(rows.isEmpty)
  }

  @Test("invalid UTF-8 in the header stops the file")
  func invalidHeader() {
    let (rows, issues) = readBytes([0x69, 0x64, 0x2C, 0xC0, 0x80, 0x0A, 0x61, 0x0A], schema: people)
    #expect(wheres(issues).first == "t.csv:1:4 D0101")
    #expect(rows.isEmpty)
  }

  @Test("the record of an issue is the raw line truncated to 200 characters")
  func recordTruncated() {
    let long = String(repeating: "é", count: 300)
    let (_, issues) = readText("id,name,segment\nc1,\(long),x,extra\n", schema: people)
    #expect(issues.count == 1)
    #expect(issues[0].record.unicodeScalars.count == 200)
    #expect(issues[0].record.hasPrefix("c1,éé"))
    #expect(issues[0].column == 3 + 300 + 4)
  }

  @Test("good rows keep their raw record (without the line end)")
  func rawOfGoodRows() {
    let (rows, _) = readText("id,name,segment\r\nc1,\"A, B\",x\r\n", schema: people)
    #expect(rows.first?.raw == "c1,\"A, B\",x")
    let issue = rows[0].issue("D0301", file: "t.csv", field: 1, message: "unknown customer")
    #expect(where_(issue) == "t.csv:2:4 D0301")
    #expect(issue.record == "c1,\"A, B\",x")
  }

  @Test("issue descriptions read file:line:column: code: message")
  func description() {
    let issue = DataIssue(code: "D0204", file: "data/usage.csv", line: 3, column: 9, message: "bad date")
    #expect(issue.description == "data/usage.csv:3:9: D0204: bad date")
    let whole = DataIssue(code: "D0103", file: "data/usage.csv", line: 0, column: 0, message: "cannot read")
    #expect(whole.description == "data/usage.csv: D0103: cannot read")
  }
}
