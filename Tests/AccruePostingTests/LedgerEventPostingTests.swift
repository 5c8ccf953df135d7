import AccrueCore
import AccrueTestSupport
import Foundation
import Testing

/// Postings of the ledger events beyond invoices and fresh cash (issue 22): people's decisions (`resolve`, credit
/// notes, refunds of account credit), payment returns and processors' payouts; each entry names its event and
/// each line its rule, and the ledger still verifies.
@Suite("Posting decisions, returns and payouts", .serialized)
struct LedgerEventPostingTests {
  /// A posting matrix over a chart of plain accounts (no dimensions), for the small stories below.
  static let posting = """
    posting {
      invoice line debit "1200" credit "4000"
      discount debit "4900" credit "1200"
      tax debit "1200" credit "2200"
      tax included debit "4000" credit "2200"
      fee debit "1200" credit "4500"
      cash applied debit "1010" credit "1200"
      write off debit "6800" credit "1200"
      overpayment written off debit "1010" credit "4800"
      early payment discount debit "4910" credit "1200"
      credit on account debit "1010" credit "2100"
      credit used debit "2100" credit "1200"
      unapplied cash debit "1010" credit "2150"
      credit note debit "4000" credit "1200"
      refund debit "2100" credit "1010"
      processor fee debit "6500" credit "1010"
      processor refund debit "2150" credit "1010"
    }

    """

  static let chart = """
    account,name,type,dimensions,active
    1010,Bank,asset,,true
    1200,Accounts receivable,asset,,true
    2100,Customer credits,liability,,true
    2150,Unapplied cash,liability,,true
    2200,Tax payable,liability,,true
    4000,Revenue,revenue,,true
    4500,Fee income,revenue,,true
    4800,Other income,revenue,,true
    4900,Discounts,revenue,,true
    4910,Early-payment discounts,revenue,,true
    6500,Processing fees,expense,,true
    6800,Written off,expense,,true

    """

  static func run(_ args: [String]) -> (status: Int32, out: String, err: String) { PostingSupport.run(args) }

  /// The recorded journal as text (`report journal --source ledger`).
  static func journal(_ state: String, data: String) -> String {
    run(["report", "journal", "--source", "ledger", "--state", state, "--data", data]).out
  }

  /// The lines of one recorded entry: "Dr 1010 150.00" ..., in order.
  static func lines(_ journal: String, _ id: String) -> [String] {
    let blocks = journal.components(separatedBy: "\n\n")
    guard let b = blocks.first(where: { $0.hasPrefix(id + " ") || $0.contains("\n" + id + " ") }) else { return [] }
    return b.split(separator: "\n").dropFirst().map { l in
      let w = l.split(separator: " ")
      let amount = w.first { $0.contains(".") && Fixed(String($0).replacingOccurrences(of: ",", with: "")) != nil } ?? ""
      return "\(w[0]) \(w[1]) \(amount)"
    }
  }

  @Test("resolve: a confirmed suggestion, a short payment written off and a refund each reverse what the payment posted and post what it does now")
  func resolutions() throws {
    let base = TemporaryPaths.make("accrue-post-resolve")
    let c = ["--rules", PostingSupport.rules, "--data", PostingSupport.data, "--state", base + "/state"]
    #expect(Self.run(["apply"] + c + ["--as-of", "2026-11-01", "--out", base + "/out"]).status == 0)
    let day = ["--as-of", "2026-11-02", "--by", "ann"]
    #expect(Self.run(["resolve", "payment:pay-2026-1004", "--confirm"] + c + day).status == 0)
    #expect(Self.run(["resolve", "payment:pay-2026-1003", "INV-2026-0048=417.90", "--write-off-short"] + c + day).status == 0)
    #expect(Self.run(["resolve", "payment:pay-2026-1006", "--refund"] + c + day).status == 0)
    let j = Self.journal(base + "/state", data: PostingSupport.data)
    // Suggested 240.00 sat in unapplied cash; confirmed, it pays the invoice (the bank lines offset).
    #expect(Self.lines(j, "JE-payment:pay-2026-1004@2") == ["Dr 2150 240.00", "Cr 1200 240.00"], "\(j)")
    #expect(Self.lines(j, "JE-payment:pay-2026-1003@2") == ["Dr 2150 417.90", "Cr 1200 420.00", "Dr 6800 2.10"])
    // Refunded to the payer: out of unapplied cash, out of the bank.
    #expect(Self.lines(j, "JE-payment:pay-2026-1006@2") == ["Cr 1010 150.00", "Dr 2150 150.00"])
    #expect(j.contains("rules/posting.accrue:30  Reversal of JE-payment:pay-2026-1004"))
    // The same decision again records nothing new, and the ledger verifies.
    #expect(Self.run(["resolve", "payment:pay-2026-1003", "INV-2026-0048=417.90", "--write-off-short"] + c + day).out.hasPrefix("Nothing new"))
    #expect(Self.journal(base + "/state", data: PostingSupport.data) == j)
    #expect(Self.run(["ledger", "verify", "--state", base + "/state"]).status == 0)
  }

  @Test("a credit note debits revenue and credits the receivable; on a paid invoice it moves to the customer's credit, and a refund of that credit leaves the bank")
  func creditNotesAndRefunds() throws {
    let base = TemporaryPaths.make("accrue-post-credit")
    let c = ["--rules", PostingSupport.rules, "--data", PostingSupport.data, "--state", base + "/state"]
    #expect(Self.run(["apply"] + c + ["--as-of", "2026-11-01", "--out", base + "/out"]).status == 0)
    let day = ["--as-of", "2026-11-03", "--by", "ann"]
    #expect(Self.run(["credit-note", "NW-2026-00001", "--amount", "50.00", "--reason", "price error"] + c + day).status == 0)
    #expect(Self.run(["credit-note", "INV-2026-0051", "--amount", "30.00", "--reason", "goodwill"] + c + day).status == 0)
    #expect(Self.run(["refund-credit", "cust-022", "--amount", "10.00", "--currency", "USD"] + c + ["--as-of", "2026-11-04", "--by", "ann"]).status == 0)
    let j = Self.journal(base + "/state", data: PostingSupport.data)
    #expect(Self.lines(j, "JE-credit-note:NW-2026-00001:1") == ["Dr 4000 50.00", "Cr 1200 50.00"], "\(j)")
    #expect(Self.lines(j, "JE-credit-note:INV-2026-0051:1") == ["Dr 4000 30.00", "Cr 1200 30.00", "Dr 1200 30.00", "Cr 2100 30.00"])
    #expect(Self.lines(j, "JE-payment:credit:cust-022/USD/2026-11-04/refund-4") == ["Dr 2100 10.00", "Cr 1010 10.00"])
    #expect(j.contains("rules/posting.accrue:31  Credit note"))
    #expect(Self.run(["ledger", "verify", "--state", base + "/state"]).status == 0)
  }

  @Test("a processor's payout posts the fees it kept: the bank holds the payout's net")
  func payoutFees() throws {
    let base = TemporaryPaths.make("accrue-post-payout")
    let example = PostingSupport.root.appendingPathComponent("examples/conformance/processors").path
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/rules", withIntermediateDirectories: true)
    try fm.copyItem(atPath: example + "/processors.accrue", toPath: base + "/rules/processors.accrue")
    try Self.posting.write(toFile: base + "/rules/posting.accrue", atomically: true, encoding: .utf8)
    try fm.copyItem(atPath: example + "/data", toPath: base + "/data")
    try Self.chart.write(toFile: base + "/data/chart_of_accounts.csv", atomically: true, encoding: .utf8)
    let (s, _, err) = Self.run([
      "apply", "--rules", base + "/rules", "--data", base + "/data", "--as-of", "2026-11-12", "--state", base + "/state", "--out", base + "/out",
    ])
    #expect(s == 0, "\(err)")
    let j = Self.journal(base + "/state", data: base + "/data")
    #expect(Self.lines(j, "JE-payout:stripe:po_1AAA") == ["Dr 6500 29.30", "Cr 1010 29.30"], "\(j)")
    let tb = Self.run(["report", "trial-balance", "--source", "ledger", "--state", base + "/state", "--data", base + "/data"]).out
    #expect(tb.contains("1010 Bank") && tb.split(separator: "\n").contains { $0.contains("1010 Bank") && $0.hasSuffix("970.70") }, "\(tb)")
  }

  @Test("a returned payment reverses what it posted when it was applied: the receivable is open again, the bank back")
  func paymentReturn() throws {
    let base = try Self.returnStory()
    let c = ["--rules", base + "/rules", "--data", base + "/data", "--state", base + "/state", "--out", base + "/out"]
    #expect(Self.run(["apply"] + c + ["--as-of", "2026-11-21"]).status == 0)
    try ReturnStory.returned.write(toFile: base + "/data/statements/dec.sta", atomically: true, encoding: .utf8)
    let (s, _, err) = Self.run(["apply"] + c + ["--as-of", "2026-11-29"])
    #expect(s == 0, "\(err)")
    let j = Self.journal(base + "/state", data: base + "/data")
    let ret = try #require(j.components(separatedBy: "\n\n").first { $0.contains("Reversal of JE-payment:") }, "\(j)")
    #expect(ret.contains("Dr 1200") && ret.contains("Cr 1010") && ret.contains("1,200.00"))
    let tb = Self.run(["report", "trial-balance", "--source", "ledger", "--state", base + "/state", "--data", base + "/data"]).out
    #expect(Self.run(["ledger", "verify", "--state", base + "/state"]).status == 0, "\(tb)")
  }

  /// A rules folder (EUR, a match rule, the posting matrix), a data folder with INV-1 and a statement paying it.
  static func returnStory() throws -> String {
    let base = TemporaryPaths.make("accrue-post-return")
    let fm = FileManager.default
    try fm.createDirectory(atPath: base + "/rules", withIntermediateDirectories: true)
    try fm.createDirectory(atPath: base + "/data/statements", withIntermediateDirectories: true)
    try ReturnStory.rules.write(toFile: base + "/rules/rules.accrue", atomically: true, encoding: .utf8)
    try Self.posting.write(toFile: base + "/rules/posting.accrue", atomically: true, encoding: .utf8)
    try Self.chart.write(toFile: base + "/data/chart_of_accounts.csv", atomically: true, encoding: .utf8)
    try "id,name,email\nc1,Kaffeeroesterei Bohn GmbH,ap@bohn.example\n".write(toFile: base + "/data/customers.csv", atomically: true, encoding: .utf8)
    try "id,customer,contract,issue_date,due_date,currency,amount,status\nINV-1,c1,,2026-11-01,2026-11-15,EUR,1200.00,open\n"
      .write(toFile: base + "/data/invoices.csv", atomically: true, encoding: .utf8)
    try ReturnStory.november.write(toFile: base + "/data/statements/nov.sta", atomically: true, encoding: .utf8)
    return base
  }
}

/// The statements of a payment and its return (as in AccrueCLITests' ReturnStoryTests).
enum ReturnStory {
  static let rules = """
    currency EUR

    match by_number "Invoice number in the text" {
      currency EUR
      reference pattern /INV-[0-9]+/ in remittance
      candidates open invoices of any customer, same currency
      allocate exact single
      on overpayment beyond tolerance: credit on account
      confidence auto
    }

    """

  static let november = """
    :20:STARTUMS
    :25:10020030/1234567890
    :28C:00045/001
    :60F:C261101EUR5000,00
    :61:2611201120C1200,00NTRFNONREF//BANK-81
    :86:166?00SEPA-UEBERWEISUNG?20EREF+E2E-1?21SVWZ+INV-1?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH
    :62F:C261120EUR6200,00
    -

    """

  static let returned = """
    :20:STARTUMS
    :25:10020030/1234567890
    :28C:00046/001
    :60F:C261120EUR6200,00
    :61:2611281128D1200,00NRTIKREF+//BANK-92
    :86:159?00RETOURE?20EREF+E2E-1?22SVWZ+RETOURE AC04 KONTO ERLOSCHEN?31DE12500105170648489890?32Kaffeeroesterei Bohn GmbH
    :62F:C261128EUR5000,00
    -

    """
}
