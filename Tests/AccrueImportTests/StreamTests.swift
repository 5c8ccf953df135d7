import AccrueCore
import AccrueImport
import Foundation
import Testing

private let usageHeader = "id,customer,contract,date,name,quantity,amount,currency\n"

/// Usage row `i`: `e0000001,c000001,k000001,2026-10-02,api.request,1,,` (every tenth has an amount).
private func usageRow(_ i: Int) -> String {
  func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
  }
  let money = i % 10 == 0 ? "12.50,USD" : ","
  return "e\(pad(i, 7)),c\(pad(i % 1000, 6)),k\(pad(i % 1000, 6)),2026-10-\(pad(1 + i % 28, 2)),api.request,\(i % 100),\(money)\n"
}

/// Checks that `row` is exactly usage row `i` (on line `i + 1` unless given).
private func isUsageRow(_ row: borrowing Row, _ i: Int, line: Int? = nil) -> Bool {
  let expected = usageRow(i).dropLast().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
  return row.line == (line ?? i + 1) && row.values[0] == .text(expected[0]) && row.values[1] == .text(expected[1])
    && row.values[3] == .date(day(expected[3])) && row.values[5] == .number(Fixed(i % 100))
    && row.values[6] == (i % 10 == 0 ? .money(fx("12.5")) : .missing) && row.raw == expected.joined(separator: ",")
}

@Suite("Streaming")
struct StreamTests {
  @Test("a file larger than the read buffer, with a quoted multi-line row straddling the buffer's end")
  func largerThanBuffer() throws {
    let block = 1 << 20
    var text = usageHeader
    var i = 0
    // Ordinary rows up to just before the first 1 MiB boundary...
    while text.utf8.count < block - 40 {
      i += 1
      text += usageRow(i)
    }
    // ...then a row whose quoted field (with a line break and non-ASCII text) spans the boundary.
    let straddleStart = text.utf8.count
    let straddleLine = i + 2
    text += "x1,\"c,☕\nstill \"\"quoted\"\" ü\",k,2026-10-31,\"name\",7.25,0.125,BHD\n"
    let straddleEnd = text.utf8.count
    #expect(straddleStart < block && straddleEnd > block)
    let firstAfter = i + 1
    // ...and enough rows for a second boundary.
    for k in (firstAfter + 1)...(firstAfter + 30_000) { text += usageRow(k) }
    let dir = TempDir()
    let path = dir.write("usage.csv", text)
    var seen = 0
    var bad = 0
    var straddler: Row?
    let issues = TableReader.stream(TableFile(path: path, format: .csv), schema: Schemas.usage) { row in
      seen += 1
      if seen == firstAfter {
        straddler = copy row
      } else if !isUsageRow(row, seen, line: seen + (seen > firstAfter ? 2 : 1)) {
        // Row `seen` is usage row `seen`; those after the straddler are one line further down.
        bad += 1
      }
    }
    #expect(issues.isEmpty)
    #expect(seen == firstAfter + 30_000)
    #expect(bad == 0)
    let s = try #require(straddler)
    #expect(s.line == straddleLine)
    #expect(s.values[1] == .text("c,☕\nstill \"quoted\" ü"))
    #expect(s.values[5] == .number(fx("7.25")) && s.values[6] == .money(fx("0.125")))
    #expect(s.values[7] == .currency(Currency.lookup("BHD")!))
    #expect(s.lines == [straddleLine, straddleLine] + Array(repeating: straddleLine + 1, count: 6))
    #expect(s.columns == [1, 4, 21, 23, 34, 41, 46, 52])
  }

  @Test(
    "results do not depend on the block size",
    arguments: [DataFormat.csv, .json, .jsonl])
  func blockSizes(format: DataFormat) {
    let text: String
    switch format {
    case .csv:
      text =
        "\u{FEFF}id,note,day,qty,amount,currency,flag,unknown\r\n"
        + "a1,\"multi\r\nline, \"\"quoted\"\" ☕\",2026-01-31,1.5,12.50,USD,yes,x\r\n"
        + "\r\n"
        + "a2,ü,2026-02-30,abc,12.345,USD,maybe,x\r\n"
        + "a3,\"unterminated,2026-01-01,,,,,\r\n"
        + "a4,é,2026-03-01,2,1.250,BHD,0,x\r\n"
        + "a5,\"x\"y,2026-03-01,2,,,,x\r\n"
        + "a6,short\r\n"
        + "a7,\"a\"\"b\",,,,,,\r\n"
        + "a8,\"last\"\",\"\"\",2026-12-31,,,,true,z"
    case .json:
      text = """
        [
          {"id": "a1", "note": "multi\\nline ☕", "day": "2026-01-31", "qty": 1.5e1, "amount": 12.50, "currency": "USD"},
          {"id": "a2", "note": "ü", "day": "2026-02-30", "qty": "abc", "extra": [1, {"x": "]"}]},
          7,
          {"id": "a3", "note": null, "flag": true, "nested": {"deep": [[[]]]}, "amount": "1.250", "currency": "BHD"},
          {"id": "a4", "id": "a5", "note": "\\ud83d\\ude00 \\u00e9"},
          {"id": "a6", "qty": -0.000000000000000001}
        ]
        """
    case .jsonl:
      text =
        "{\"id\": \"a1\", \"note\": \"multi\\nline ☕\", \"day\": \"2026-01-31\", \"qty\": 1.5e1}\r\n"
        + "\n"
        + "{\"id\": \"a2\", \"day\": \"2026-02-30\", \"extra\": 1}\n"
        + "{\"id\": \"a3\", \"note\": \"unterminated}\n"
        + "   {\"id\": \"a4\", \"flag\": false, \"amount\": 1, \"currency\": \"JPY\"}   \n"
        + "[]\n"
        + "{\"id\": \"a5\"}"
    }
    let bytes = Array(text.utf8)
    let path = "t.\(format.rawValue)"
    let reference = TableReader.read(bytes: bytes, path: path, format: format, schema: Schemas.all)
    #expect(!reference.rows.isEmpty && !reference.issues.isEmpty)
    for blockSize in [16, 17, 19, 23, 31, 64, 100, 257] {
      let small = TableReader.read(
        bytes: bytes, path: path, format: format, schema: Schemas.all, options: ReadOptions(blockSize: blockSize))
      #expect(small.rows == reference.rows, "block size \(blockSize)")
      #expect(small.issues == reference.issues, "block size \(blockSize)")
    }
  }

  @Test("200,000 rows stream through one reused row in flat memory")
  func flatMemory() throws {
    let dir = TempDir()
    var text = usageHeader
    text.reserveCapacity(200_000 * 56)
    for i in 1...200_000 { text += usageRow(i) }
    let path = dir.write("usage.csv", text)
    text = ""
    let before = residentKB()
    var count = 0
    var wrong = 0
    var storage = Set<UnsafeRawPointer?>()
    let issues = TableReader.stream(TableFile(path: path, format: .csv), schema: Schemas.usage) { row in
      count += 1
      if count % 997 == 0 && !isUsageRow(row, count) { wrong += 1 }
      if case .text(let id) = row.values[0], id.utf8.count != 8 { wrong += 1 }
      // The row's storage is reused: no row is kept, and no per-row arrays are allocated.
      storage.insert(row.values.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) })
    }
    #expect(issues.isEmpty)
    #expect(count == 200_000)
    #expect(wrong == 0)
    #expect(storage.count == 1)
    if let before, let after = residentKB() {
      // Keeping the rows would take well over 100 MB; streaming needs the 1 MiB buffer.
      #expect(after - before < 48_000, "resident set grew by \(after - before) kB")
    }
  }

  @Test("rows copied out of the stream keep their own values")
  func copiesAreIndependent() {
    var text = usageHeader
    for i in 1...500 { text += usageRow(i) }
    let dir = TempDir()
    let path = dir.write("usage.csv", text)
    var kept: [Row] = []
    _ = TableReader.stream(TableFile(path: path, format: .csv), schema: Schemas.usage) { row in
      if row.line % 7 == 0 { kept.append(copy row) }
    }
    #expect(kept.count == 71)  // lines 7, 14, ... 497
    #expect(kept.allSatisfy { isUsageRow($0, $0.line - 1) })
  }

  @Test("issues can be streamed too, in file order")
  func issueCallback() {
    let dir = TempDir()
    let path = dir.write("usage.csv", usageHeader + "e1,c1,,2026-13-01,a,,,\ne2,c1,,2026-01-01,a,x,,\ne3,,,2026-01-01,a,,,\n")
    var issues: [String] = []
    var rows = 0
    TableReader.stream(
      TableFile(path: path, format: .csv), schema: Schemas.usage, onIssue: { issues.append(where_($0)) }
    ) { _ in rows += 1 }
    #expect(issues == ["usage.csv:2:8 D0204", "usage.csv:3:21 D0205", "usage.csv:4:4 D0203"])
    #expect(rows == 0)
  }

  @Test("a record longer than the limit is reported and skipped, in flat memory")
  func recordLimit() {
    let options = ReadOptions(blockSize: 16, maxRecordBytes: 64)
    let quote = "id,note\na1,\"" + String(repeating: "x", count: 100) + "\nb2,ok\na3,fine\n"
    let csv = TableReader.read(bytes: Array(quote.utf8), path: "t.csv", format: .csv, schema: Schemas.all, options: options)
    #expect(wheres(csv.issues) == ["t.csv:2:1 D0101"])
    #expect(csv.rows.map { $0.values[0] } == [.text("b2"), .text("a3")])
    let noBreak = "id,note\na1," + String(repeating: "y", count: 500) + "\na2,ok"
    let long = TableReader.read(
      bytes: Array(noBreak.utf8), path: "t.csv", format: .csv, schema: Schemas.all, options: options)
    #expect(wheres(long.issues) == ["t.csv:2:1 D0101"])
    #expect(long.rows.map(\.line) == [3])
    let jsonl = "{\"id\": \"" + String(repeating: "z", count: 300) + "\"}\n{\"id\": \"ok\"}\n"
    let lines = TableReader.read(
      bytes: Array(jsonl.utf8), path: "t.jsonl", format: .jsonl, schema: Schemas.all, options: options)
    #expect(wheres(lines.issues) == ["t.jsonl:1:1 D0102"])
    #expect(lines.rows.map(\.line) == [2])
  }
}

@Suite("Data folder")
struct FolderTests {
  @Test("find returns nil, the one file, or D0103 for several formats")
  func find() throws {
    let dir = TempDir()
    #expect(try DataFolder.find("usage", in: dir.path).get() == nil)
    dir.write("usage.jsonl", "")
    dir.write("Customers.csv", "")
    let usage = try DataFolder.find("usage", in: dir.path + "/").get()
    #expect(usage == TableFile(path: dir.path + "/usage.jsonl", format: .jsonl))
    #expect(try DataFolder.find("customers", in: dir.path).get() == nil)  // names are case-sensitive
    dir.write("usage.csv", "")
    switch DataFolder.find("usage", in: dir.path) {
    case .success: Issue.record("expected D0103")
    case .failure(let issue):
      #expect(issue.code == "D0103")
      #expect(issue.message.contains("usage.csv and usage.jsonl"))
    }
  }

  @Test("an unreadable or absent file is D0103 for the whole file")
  func unreadable() {
    let dir = TempDir()
    try? FileManager.default.createDirectory(atPath: dir.path + "/usage.csv", withIntermediateDirectories: false)
    for format in [DataFormat.csv, .json, .jsonl] {
      let isDir = TableReader.readAll(TableFile(path: dir.path + "/usage.csv", format: format), schema: Schemas.usage)
      #expect(isDir.issues.map(\.code) == ["D0103"])
      #expect(isDir.issues.first?.line == 0)
    }
    let absent = TableReader.readAll(TableFile(path: dir.path + "/none.csv", format: .csv), schema: Schemas.usage)
    #expect(absent.issues.map(\.code) == ["D0103"])
    #expect(absent.rows.isEmpty)
  }
}
