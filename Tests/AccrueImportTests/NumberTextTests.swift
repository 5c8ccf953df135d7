import AccrueCore
@testable import AccrueImport
import Foundation
import Testing

/// How amounts and numbers must be written in data files, and what the messages say when they are not.
@Suite("Numbers in data")
struct NumberTextTests {
  /// The issues of one JSON Lines row whose `v` (of `type`) is written `json`, as `line:column code: message`.
  static func issues(_ type: FieldType, _ json: String) -> (values: [Value], messages: [String]) {
    let schema =
      type == .money
      ? TableSchema(
        name: "payments",
        columns: [
          ColumnSpec(name: "id", type: .text, required: true), ColumnSpec(name: "currency", type: .currency),
          ColumnSpec(name: "v", type: .money),
        ], currencyColumn: "currency")
      : Schemas.single(type)
    let currency = type == .money ? ", \"currency\": \"USD\"" : ""
    let (rows, issues) = readText("{\"id\": \"r1\"\(currency), \"v\": \(json)}\n", name: "t.jsonl", schema: schema)
    return (rows.first.map { $0.values } ?? [], issues.map { "\($0.line):\($0.column) \($0.code): \($0.message)" })
  }

  @Test("a JSON amount or number with an exponent is rejected, with the decimal to write instead")
  func exponents() {
    let cases: [(FieldType, String, String)] = [
      (.money, "1.5e2", "bad amount 1.5e2 in column 'v': amounts are decimals, not exponents; write 150 or \"150.00\""),
      (.money, "12.5E0", "bad amount 12.5E0 in column 'v': amounts are decimals, not exponents; write 12.5 or \"12.50\""),
      (.money, "-1e-2", "bad amount -1e-2 in column 'v': amounts are decimals, not exponents; write -0.01"),
      (.number, "1.5e2", "bad number 1.5e2 in column 'v': numbers are decimals, not exponents; write 150"),
      (.number, "25E-1", "bad number 25E-1 in column 'v': numbers are decimals, not exponents; write 2.5"),
      (.number, "1e400", "bad number 1e400 in column 'v': numbers are decimals, not exponents; write it as a decimal"),
    ]
    for (type, json, message) in cases {
      let r = Self.issues(type, json)
      let column = type == .money ? 38 : 19
      #expect(r.messages == ["1:\(column) D0205: \(message)"], "\(json)")
      #expect(r.values.isEmpty, "\(json): the row is not delivered")
    }
    // Decimals, as numbers or strings, still read exactly.
    #expect(Self.issues(.money, "150").values.last == .money(Fixed(150)))
    #expect(Self.issues(.money, "\"150.00\"").values.last == .money(Fixed(150)))
    #expect(Self.issues(.number, "0.000000000000000001").values.last == .number(Fixed("0.000000000000000001")!))
  }

  static let largest = "170141183460469231731.687303715884105727"
  static let smallest = "-170141183460469231731.687303715884105728"

  @Test("the limit of exact decimals is stated as it is, and holds at its boundary, in CSV and JSON")
  func limit() {
    let tooLarge = "too large: numbers go from \(Self.smallest) to \(Self.largest)"
    let cases: [(String, String?)] = [
      ("170141183460469231731", nil),
      (Self.largest, nil),
      (Self.smallest, nil),
      ("1.000000000000000001", nil),
      ("170141183460469231732", tooLarge),
      ("170141183460469231731.687303715884105728", tooLarge),
      ("-170141183460469231731.687303715884105729", tooLarge),
      ("999999999999999999999", tooLarge),
      ("1000000000000000000000", tooLarge),
      ("0.1234567890123456789", "more than 18 decimals (Accrue keeps 18)"),
    ]
    for (text, why) in cases {
      for json in [false, true] {
        let r =
          json
          ? readText("{\"id\": \"r1\", \"v\": \(text)}\n", name: "t.jsonl", schema: Schemas.single(.number))
          : readText("id,v\nr1,\(text)\n", schema: Schemas.single(.number))
        if let why {
          // (The value is shown up to 40 characters.)
          #expect(r.issues.count == 1 && r.issues[0].message.hasPrefix("bad number "), "\(text)")
          #expect(r.issues.first?.message.hasSuffix(" in column 'v': \(why)") == true, "\(text): \(r.issues.map(\.message))")
          #expect(r.issues.map(\.code) == ["D0205"])
        } else {
          #expect(r.issues.isEmpty, "\(text): \(r.issues.map(\.message))")
          #expect(r.rows.first?.values[1] == .number(Fixed(text)!), "\(text)")
        }
      }
    }
    #expect(Fixed(raw: Int128.max).description == Self.largest)
  }
}

/// Dates and amounts written the way spreadsheets and other locales write them: the message says what to write.
@Suite("What to write instead")
struct WriteInsteadTests {
  @Test(
    "dates",
    arguments: [
      ("31/10/2026", "write 2026-10-31"), ("10/31/2026", "write 2026-10-31"), ("2026/10/31", "write 2026-10-31"),
      ("31.10.2026", "write 2026-10-31"), ("01/02/2026", "day first, write 2026-02-01; month first, write 2026-01-02"),
      ("05/05/2026", "write 2026-05-05"), ("31/02/2026", nil), ("Oct 31, 2026", nil), ("31/10/26", nil),
    ] as [(String, String?)])
  func dates(_ text: String, _ hint: String?) {
    #expect(RowAssembler.dateHint(text) == hint)
  }

  @Test(
    "amounts",
    arguments: [
      ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("12,50", "12.50"), ("-1.234,5", "-1234.5"),
      ("1,234,567", "1234567"), ("1,234", nil), ("12.50 EUR", nil), ("abc", nil), ("1.2.3", nil),
    ] as [(String, String?)])
  func amounts(_ text: String, _ hint: String?) {
    #expect(RowAssembler.amountHint(text) == hint)
  }
}
