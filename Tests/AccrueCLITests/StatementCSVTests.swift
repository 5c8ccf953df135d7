import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// A data folder's statement CSVs, read with the rules' `statement format` (grammar.md §8.1), through `accrue plan`
/// and `accrue import`.
@Suite("Statement CSVs in a data folder")
struct StatementCSVTests {
  static let rules = """
    currency EUR

    statement format nordbank "Nordbank online banking export" {
      files "nordbank-*.csv"
      delimiter ";"
      skip 1 line
      date "Buchungstag" as "DD.MM.YYYY"
      amount "Betrag" decimal "," thousands "."
      currency "Währung"
      remittance "Verwendungszweck"
      counterparty "Auftraggeber"
    }

    match by_reference {
      payer by reference, name
      candidates open invoices of any customer, same currency
      reference pattern /INV-?([0-9]+)/ in remittance, reference
      allocate exact single
      on no match: leave unapplied
    }

    """

  static let statement = "Nordbank AG Kontoauszug\r\nBuchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber\r\n"
    + "03.11.2026;1.234,56;EUR;\"Rechnung INV-1001; danke\";ACME GmbH\r\n04.11.2026;-12,00;EUR;Kontoführung;\r\n"

  /// A rules folder and a data folder with one invoice and `files` in statements/.
  static func folders(_ files: [String: String]) throws -> (rules: String, data: String) {
    let root = TemporaryPaths.make("accrue-stmt-csv")
    let fm = FileManager.default
    try fm.createDirectory(atPath: root + "/rules", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: root + "/data/statements", withIntermediateDirectories: true)
    try rules.write(toFile: root + "/rules/banks.accrue", atomically: true, encoding: .utf8)
    try "id,name\nc1,ACME GmbH\n".write(toFile: root + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,issue_date,due_date,currency,amount\nINV-1001,c1,2026-10-01,2026-10-31,EUR,1234.56\n"
      .write(toFile: root + "/data/invoices.csv", atomically: true, encoding: .utf8)
    for (name, text) in files { try text.write(toFile: root + "/data/statements/" + name, atomically: true, encoding: .utf8) }
    return (root + "/rules", root + "/data")
  }

  @Test("a statement CSV's credit pays the invoice its remittance names, through accrue plan")
  func paysAnInvoice() throws {
    let (rules, data) = try Self.folders(["nordbank-2026-11.csv": Self.statement])
    let (status, out, err) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-05", "--format", "json"])
    #expect(status == 0, "\(err)")
    #expect(out.contains("\"INV-1001\""), "\(out)")
    #expect(out.contains("nordbank-2026-11.csv:3"), "the payment's source is the file and line: \(out)")
    let text = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-05"]).1
    #expect(text.contains("invoice INV-1001") && text.contains("(closed)"), "\(text)")
    #expect(text.contains("1 applied automatically in full"), "\(text)")
  }

  @Test("a statement CSV no format reads, or with a bad cell, stops the run with a located error")
  func errors() throws {
    let (rules, data) = try Self.folders(["sudbank.csv": Self.statement, "nordbank-x.csv": Self.statement.replacingOccurrences(of: "1.234,56", with: "1.234,5x")])
    let (status, out, err) = CLITests.run(["plan", "--rules", rules, "--data", data, "--as-of", "2026-11-05"])
    #expect(status == 1 && out.isEmpty)
    #expect(err.contains("statements/sudbank.csv:1:1: error[D0105]: no statement format reads sudbank.csv: the rules declare nordbank (\"nordbank-*.csv\", "), "\(err)")
    #expect(err.contains("statements/nordbank-x.csv:3:12: error[D0205]: the column \"Betrag\" holds \"1.234,5x\""), "\(err)")
  }

  @Test("accrue import reads a statement CSV with the rules' format: by its file name, or named")
  func importCommand() throws {
    let (rules, data) = try Self.folders(["nordbank-2026-11.csv": Self.statement, "export.csv": Self.statement])
    var (status, out, err) = CLITests.run(["import", data + "/statements/nordbank-2026-11.csv", "--rules", rules])
    #expect(status == 0, "\(err)")
    #expect(out.contains("1 statement, 2 transactions, net 1,222.56 EUR"), "\(out)")
    (status, out, err) = CLITests.run(["import", data + "/statements/export.csv", "--rules", rules, "--statement-format", "nordbank", "--format", "json"])
    #expect(status == 0 && out.contains("\"amount\": \"1234.56\""), "\(out)\(err)")
    (status, _, err) = CLITests.run(["import", data + "/statements/export.csv", "--rules", rules])
    #expect(status == 1 && err.contains("no statement format reads export.csv"), "\(err)")
    (status, _, err) = CLITests.run(["import", data + "/statements/export.csv", "--rules", rules, "--statement-format", "nordbnk"])
    #expect(status == 1 && err.contains("did you mean 'nordbank'?"), "\(err)")
    (status, _, err) = CLITests.run(["import", data + "/statements/export.csv"])
    #expect(status == 1 && err.contains("name them with --rules PATH"), "\(err)")
  }
}
