import AccrueCore
import AccrueImport
import Testing

/// Reads one CSV value `field` (written as is, so quote it if needed) in column `v` of type `type`.
private func csvValue(_ type: FieldType, _ field: String) -> (value: Value?, issues: [String]) {
  let (rows, issues) = readText("id,v\nr1,\(field)\n", schema: Schemas.single(type))
  return (rows.first?.values[1], wheres(issues))
}

/// Reads one JSON value (JSON text) in key `v` of type `type`.
private func jsonValue(_ type: FieldType, _ json: String) -> (value: Value?, issues: [String]) {
  let (rows, issues) = readText("{\"id\": \"r1\", \"v\": \(json)}\n", name: "t.jsonl", schema: Schemas.single(type))
  return (rows.first?.values[1], wheres(issues))
}

@Suite("Values")
struct ValueTests {
  @Test(
    "good CSV values",
    arguments: [
      (FieldType.text, "héllo wörld", Value.text("héllo wörld")),
      (.text, "\"a,b\"", .text("a,b")),
      (.text, " padded ", .text(" padded ")),
      (.text, "", .missing),
      (.text, "\"\"", .missing),
      (.date, "2026-02-28", .date(day("2026-02-28"))),
      (.date, "2024-02-29", .date(day("2024-02-29"))),
      (.date, "0001-01-01", .date(day("0001-01-01"))),
      (.date, "", .missing),
      (.number, "12", .number(fx("12"))),
      (.number, "0.5", .number(fx("0.5"))),
      (.number, "-3.25", .number(fx("-3.25"))),
      (.number, "+7", .number(fx("7"))),
      (.number, "000.100", .number(fx("0.1"))),
      (.number, "0.000000000000000001", .number(fx("0.000000000000000001"))),
      (.number, "123456789012345678.123456789012345678", .number(fx("123456789012345678.123456789012345678"))),
      (.money, "12.50", .money(fx("12.5"))),
      (.money, "-0.01", .money(fx("-0.01"))),
      (.currency, "USD", .currency(.USD)),
      (.currency, "JPY", .currency(.JPY)),
      (.currency, "BHD", .currency(Currency.lookup("BHD")!)),
      (.currency, "BGN", .currency(Currency.lookup("BGN")!)),
      (.bool, "true", .bool(true)),
      (.bool, "FALSE", .bool(false)),
      (.bool, "Yes", .bool(true)),
      (.bool, "no", .bool(false)),
      (.bool, "1", .bool(true)),
      (.bool, "0", .bool(false)),
      (.bool, "fAlSe", .bool(false)),
    ])
  func goodCSV(type: FieldType, field: String, expected: Value) {
    let (value, issues) = csvValue(type, field)
    #expect(issues == [])
    #expect(value == expected)
  }

  @Test(
    "bad CSV values are reported at the field with their code",
    arguments: [
      (FieldType.date, "2026-02-29", "D0204"),
      (.date, "2026-2-01", "D0204"),
      (.date, "20260201", "D0204"),
      (.date, "2026-13-01", "D0204"),
      (.date, "2026-00-10", "D0204"),
      (.date, " 2026-01-01", "D0204"),
      (.date, "2026-01-01T00:00", "D0204"),
      (.date, "01/02/2026", "D0204"),
      (.number, "1e5", "D0205"),
      (.number, "1_000", "D0205"),
      (.number, "\"1,5\"", "D0205"),
      (.number, "abc", "D0205"),
      (.number, ".5", "D0205"),
      (.number, "1.", "D0205"),
      (.number, "--1", "D0205"),
      (.number, "1 ", "D0205"),
      (.number, "0.1234567890123456789", "D0205"),
      (.number, "999999999999999999999999", "D0205"),
      (.number, "١٢", "D0205"),
      (.money, "12.5.0", "D0205"),
      (.money, "$12", "D0205"),
      (.currency, "usd", "D0206"),
      (.currency, "US", "D0206"),
      (.currency, "USDX", "D0206"),
      (.currency, "ABC", "D0206"),
      (.bool, "y", "D0207"),
      (.bool, "2", "D0207"),
      (.bool, "truee", "D0207"),
      (.bool, "on", "D0207"),
    ])
  func badCSV(type: FieldType, field: String, code: String) {
    let (value, issues) = csvValue(type, field)
    #expect(value == nil)  // the row is not delivered
    #expect(issues == ["t.csv:2:4 \(code)"])
  }

  @Test("a required value that is empty is D0203", arguments: [FieldType.text, .date, .number, .money, .currency, .bool])
  func requiredEmpty(type: FieldType) {
    let (rows, issues) = readText("id,v\nr1,\nr2,\"\"\n", schema: Schemas.single(type, required: true))
    #expect(rows.isEmpty)
    #expect(wheres(issues) == ["t.csv:2:4 D0203", "t.csv:3:4 D0203"])
  }

  @Test(
    "good JSON values",
    arguments: [
      (FieldType.text, "\"a\\\"b\\u00e9\\n\"", Value.text("a\"bé\n")),
      (.text, "12.50", .text("12.50")),
      (.text, "true", .text("true")),
      (.text, "null", .missing),
      (.text, "\"\"", .missing),
      (.text, "\"\\ud83d\\ude00\"", .text("😀")),
      (.date, "\"2024-02-29\"", .date(day("2024-02-29"))),
      (.number, "0.1", .number(fx("0.1"))),
      (.number, "-0", .number(fx("0"))),
      (.number, "\"0.1\"", .number(fx("0.1"))),
      (.number, "12345678901234567.123456789012345678", .number(fx("12345678901234567.123456789012345678"))),
      (.money, "12.50", .money(fx("12.5"))),
      (.money, "\"12.50\"", .money(fx("12.5"))),
      (.currency, "\"EUR\"", .currency(.EUR)),
      (.bool, "true", .bool(true)),
      (.bool, "false", .bool(false)),
      (.bool, "\"yes\"", .bool(true)),
      (.bool, "null", .missing),
    ])
  func goodJSON(type: FieldType, json: String, expected: Value) {
    let (value, issues) = jsonValue(type, json)
    #expect(issues == [])
    #expect(value == expected)
  }

  @Test(
    "bad JSON values",
    arguments: [
      (FieldType.date, "20260101", "D0204"),
      (.date, "true", "D0204"),
      (.date, "\"2026-02-30\"", "D0204"),
      (.number, "1e-19", "D0205"),
      (.number, "1e400", "D0205"),
      (.number, "1.5e2", "D0205"),
      (.number, "25E-1", "D0205"),
      (.number, "1e-18", "D0205"),
      (.number, "0e999999", "D0205"),
      (.money, "1.5e2", "D0205"),
      (.number, "true", "D0205"),
      (.number, "\"1e5\"", "D0205"),
      (.money, "\"12,50\"", "D0205"),
      (.currency, "840", "D0206"),
      (.currency, "\"eur\"", "D0206"),
      (.bool, "1", "D0207"),
      (.bool, "\"maybe\"", "D0207"),
      (.text, "{\"a\": 1}", "D0102"),
      (.number, "[1, 2]", "D0102"),
    ])
  func badJSON(type: FieldType, json: String, code: String) {
    let (value, issues) = jsonValue(type, json)
    #expect(value == nil)
    #expect(issues == ["t.jsonl:1:19 \(code)"])
  }

  @Test("JSON numbers are kept exact: 0.1 is exactly one tenth")
  func exactNumbers() {
    let (value, _) = jsonValue(.number, "0.1")
    #expect(value == .number(Fixed(raw: 100_000_000_000_000_000)))
    let (big, _) = jsonValue(.money, "9007199254740993.01")  // 2^53 + 1: not representable as a Double
    #expect(big == .money(fx("9007199254740993.01")))
  }
}

@Suite("Money decimals")
struct MoneyTests {
  @Test(
    "amounts are checked against the row's currency",
    arguments: [
      ("USD", "12.34", true), ("USD", "12.345", false), ("USD", "12.50", true), ("USD", "12.3400", true),
      ("JPY", "500", true), ("JPY", "500.5", false), ("JPY", "500.0", true),
      ("BHD", "1.250", true), ("BHD", "1.2505", false),
      ("CLF", "1.2345", true), ("CLF", "1.23456", false),
    ])
  func decimals(currency: String, amount: String, ok: Bool) {
    let (rows, issues) = readText("id,currency,amount\ni1,\(currency),\(amount)\n", schema: Schemas.money)
    if ok {
      #expect(issues.isEmpty)
      #expect(rows.first?.values[2] == .money(fx(amount)))
    } else {
      #expect(rows.isEmpty)
      #expect(wheres(issues) == ["t.csv:2:8 D0208"])
      #expect(issues.first?.message.contains(currency) == true)
    }
  }

  @Test("when the currency is missing or bad only that is reported")
  func currencyProblems() {
    let csv = "id,currency,amount\ni1,,12.345\ni2,usd,12.345\ni3,XYZ,1\n"
    let (rows, issues) = readText(csv, schema: Schemas.money)
    #expect(rows.isEmpty)
    #expect(wheres(issues) == ["t.csv:2:4 D0203", "t.csv:3:4 D0206", "t.csv:4:4 D0206"])
    #expect(issues[1].message.contains("uppercase"))
  }

  @Test("a mistyped currency code is told the codes it may have meant")
  func currencySuggestion() {
    let (_, issues) = readText("id,currency,amount\ni0,EURO,1\ni1,EUX,1\ni2,JYP,1\ni3,QQQ,1\n", schema: Schemas.money)
    #expect(issues.map(\.message) == [
      "bad currency 'EURO' in column 'currency': expected an ISO 4217 code; did you mean EUR?",
      "bad currency 'EUX' in column 'currency': expected an ISO 4217 code; did you mean EUR?",
      "bad currency 'JYP' in column 'currency': expected an ISO 4217 code; did you mean JPY or SYP?",
      "bad currency 'QQQ' in column 'currency': expected an ISO 4217 code such as USD",
    ])
  }

  @Test("an optional currency column is required when an amount is given")
  func currencyRequiredByAmount() {
    let csv = """
      id,customer,date,name,amount,currency
      e1,c1,2026-10-01,api,12.50,
      e2,c1,2026-10-01,api,,
      e3,c1,2026-10-01,api,12.50,USD

      """
    let (rows, issues) = readText(csv, schema: Schemas.usage)
    #expect(wheres(issues) == ["t.csv:2:28 D0203"])
    #expect(issues.first?.message.contains("'currency'") == true)
    #expect(rows.map { $0.values[0] } == [.text("e2"), .text("e3")])
    #expect(rows[1].values[6] == .money(fx("12.5")) && rows[1].values[7] == .currency(.USD))

    // Without a currency column at all, the amount's position is given.
    let (_, noColumn) = readText("id,customer,date,name,amount\ne1,c1,2026-10-01,api,12.50\n", schema: Schemas.usage)
    #expect(wheres(noColumn) == ["t.csv:2:22 D0203"])
  }

  @Test("a fixed currency checks every money column")
  func fixedCurrency() {
    let schema = TableSchema(
      name: "t", columns: [ColumnSpec(name: "id", type: .text), ColumnSpec(name: "fee", type: .money)],
      fixedCurrency: .JPY)
    let (rows, issues) = readText("id,fee\na,100\nb,100.5\n", schema: schema)
    #expect(rows.count == 1)
    #expect(wheres(issues) == ["t.csv:3:3 D0208"])
  }

  @Test("JSON: a missing or null currency is reported once, not the decimals")
  func jsonCurrency() {
    let jsonl = """
      {"id": "i1", "amount": 12.345}
      {"id": "i2", "currency": null, "amount": "12.345"}
      {"id": "i3", "currency": "JPY", "amount": 500.5}
      {"id": "i4", "currency": "BHD", "amount": 1.250}

      """
    let (rows, issues) = readText(jsonl, name: "t.jsonl", schema: Schemas.money)
    #expect(wheres(issues) == ["t.jsonl:1:1 D0203", "t.jsonl:2:26 D0203", "t.jsonl:3:43 D0208"])
    #expect(rows.map { $0.values[0] } == [.text("i4")])
  }
}
