import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import Foundation
import Testing

/// `processor stripe { ... }` (grammar.md §8.2): what it checks and compiles to, each diagnostic, and its layout.
@Suite("Processor settings")
struct ProcessorRulesTests {
  static let stripe = """
    calendar us_bank {
      holiday 2026-11-26 "Thanksgiving"
    }

    processor stripe "Stripe payouts to the operating account" {
      invoice number from metadata "accrue_invoice"  # else the export's invoice_number column
      payouts reach the bank within 3 business days
      calendar us_bank
    }

    """

  static func block(_ body: String, name: String = "stripe") -> String {
    "calendar us_bank {\n  holiday 2026-11-26\n}\nprocessor \(name) {\n" + body.split(separator: "\n").map { "  " + $0 + "\n" }.joined() + "}\n"
  }

  static func diagnostics(_ text: String) -> [Diagnostic] {
    Support.check(text).1.filter { $0.code.id != "W0301" }
  }

  @Test("a block compiles to the settings payouts are read with, each with where it is stated")
  func compiles() throws {
    let p = try LedgerStatementTests.plan(Self.stripe)
    #expect(p.processors.count == 1)
    let s = p.processor("stripe")
    #expect(s.invoiceMetadataKey == "accrue_invoice")
    #expect(s.windowDays == 3 && s.businessDays && s.calendar == "us_bank")
    #expect(s.windowText == "3 business days")
    #expect(s.rule?.line == 5)
    #expect(s.invoiceRule?.line == 6 && s.windowRule?.line == 7)
    // 2026-11-25 (Wednesday) + 3 business days, Thanksgiving off: Friday, Monday, Tuesday 2026-12-01.
    let cal = BusinessCalendar(holidays: [CivilDate.parse("2026-11-26")!])!
    #expect(s.lastDay(after: CivilDate.parse("2026-11-25")!, calendar: cal) == CivilDate.parse("2026-12-01"))
  }

  @Test("without a block: the invoice_number column and 5 days")
  func defaults() throws {
    let p = try LedgerStatementTests.plan("currency USD\n")
    let s = p.processor("stripe")
    #expect(p.processors.isEmpty)
    #expect(s.invoiceMetadataKey == nil && s.windowDays == 5 && !s.businessDays && s.rule == nil)
    #expect(s.lastDay(after: CivilDate.parse("2026-11-06")!, calendar: .weekendsOnly) == CivilDate.parse("2026-11-11"))
    let oneDay = try LedgerStatementTests.plan("processor stripe {\n  payouts reach the bank within 1 day\n}\n").processor("stripe")
    #expect(oneDay.windowDays == 1 && oneDay.windowText == "1 day")
  }

  @Test("each mistake is reported where it is written, with what to write instead", arguments: [
    ("", "Stripe", "E0706", "did you mean 'stripe'?"),
    ("", "paypal", "E0706", "the processors Accrue reads: stripe"),
    ("invoice number from metadata \"\"", "stripe", "E0707", "invoice number from metadata \"accrue_invoice\""),
    ("invoice number from metadata \"payment_metadata[inv]\"", "stripe", "E0707", "did you mean \"inv\"?"),
    ("invoice number from metadata \"[inv]\"", "stripe", "E0707", "did you mean \"inv\"?"),
    ("invoice number from metadata \" inv\"", "stripe", "E0707", "did you mean \"inv\"?"),
    ("payouts reach the bank within -1 days", "stripe", "E0708", "0 to 31"),
    ("payouts reach the bank within 32 days", "stripe", "E0708", "0 to 31"),
    ("payouts reach the bank within 2.5 days", "stripe", "E0708", "0 to 31"),
    ("payouts reach the bank within 3 days\ncalendar us_bank", "stripe", "E0708", "within 3 business days"),
    ("calendar us_bank", "stripe", "E0708", "add: payouts reach the bank within 3 business days"),
    ("payouts reach the bank within 3 business days\ncalendar us_bnk", "stripe", "E0310", "did you mean 'us_bank'?"),
    ("payouts reach the bank within 3 days\npayouts reach the bank within 4 days", "stripe", "E0506", "keep one"),
    ("invoice number from metadata \"a\"\ninvoice number from metadata \"b\"", "stripe", "E0506", "keep one"),
    ("invoice number from metadata accrue_invoice", "stripe", "E0201", "write it in double quotes: \"accrue_invoice\""),
    ("payouts reach the bank in 3 days", "stripe", "E0201", "payouts reach the bank within 3 business days"),
    ("payout window 3 days", "stripe", "E0202", "did you mean 'payouts'?"),
  ])
  func mistakes(_ body: String, _ name: String, _ code: String, _ help: String) throws {
    let d = Self.diagnostics(Self.block(body, name: name))
    #expect(d.map(\.code.id) == [code], "\(d.map { "\($0.code.id) \($0.message)" })")
    #expect(d.first?.help?.contains(help) == true, "\(d.map { $0.help ?? "" })")
  }

  @Test("a second block for the processor is an error at its name, pointing at the first")
  func twice() throws {
    let d = Self.diagnostics("processor stripe {\n}\nprocessor stripe {\n  payouts reach the bank within 2 days\n}\n")
    #expect(d.map(\.code.id) == ["E0302"])
    #expect(d.first?.notes.first?.message == "its first block is here")
    #expect(d.first?.help?.contains("move these statements into the first") == true)
  }

  @Test("accrue fmt writes a block in canonical layout, and again the same")
  func layout() throws {
    let messy = """
      processor   stripe{
          invoice number   from metadata "accrue_invoice"   # Checkout sets it
        payouts reach the bank within 2   business days
      }
      """
    let canonical = """
      processor stripe {
        invoice number from metadata "accrue_invoice"  # Checkout sets it
        payouts reach the bank within 2 business days
      }

      """
    let once = try FormatterTests.format(messy)
    #expect(once == canonical)
    #expect(try FormatterTests.format(once) == once)
    #expect(try FormatterTests.format(Self.stripe) == Self.stripe)
  }
}
