import AccrueCLI
@testable import AccrueLedger
import AccrueCore
import AccrueTestSupport
import Foundation
import Testing

/// `accrue credit-note INV --line N`: a credit note against one line of an invoice the ledger issued (an item
/// adjustment that lowers it), its share of the invoice's discounts and taxes, never beyond what the line has left.
@Suite("credit notes on a line")
struct CreditNoteLineTests {
  static func credit(_ base: String, _ args: [String]) -> (Int32, String, String) {
    CancellationTests.run(base, ["credit-note"] + args + ["--as-of", "2026-03-02", "--by", "ann", "--reason", "seat count wrong"])
  }

  @Test("a line credited in two parts: its share of the 10% discount and the 21% VAT, the parts summing to what it billed")
  func twoParts() throws {
    // HA-2026-0001 (harbor, January): Seats 400.00, Partner discount -40.00, VAT 75.60, total 435.60.
    let base = try CancellationTests.folder("cn-line")
    var (s, out, e) = Self.credit(base, ["HA-2026-0001", "--line", "1", "--amount", "48.40"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("credit note HC-2026-0001 for 48.40 EUR on HA-2026-0001 line 1 (Seats: 10 x 40.00 EUR) (net 40.00 EUR, tax 8.40 EUR)"), "\(out)")
    (s, out, e) = Self.credit(base, ["HA-2026-0001", "--line", "1", "--amount", "400.00"])
    #expect(s == 1 && e.contains("line 1 of HA-2026-0001 (Seats: 10 x 40.00 EUR) has 387.20 EUR left to credit, tax included"), "\(e)")
    (s, out, e) = Self.credit(base, ["HA-2026-0001", "--line", "1"])
    try #require(s == 0, "\(e)")
    #expect(out.contains("credit note HC-2026-0002 for 387.20 EUR on HA-2026-0001 line 1"), "\(out)")
    let notes = try LedgerStore.read(stateDir: base + "/state").creditNotes
    #expect(notes.map(\.line) == [1, 1] && notes.map(\.total) == [Fixed("48.40")!, Fixed("387.20")!])
    #expect(try LedgerStore.open(stateDir: base + "/state").verify().isEmpty)
  }

  @Test("refused: a discount line, a line the invoice does not have, an invoice of the invoices file", arguments: [
    (["HA-2026-0001", "--line", "2"], "line 2 of HA-2026-0001 (Partner discount) takes 40.00 EUR off the invoice: credit a line that charges something"),
    (["HA-2026-0001", "--line", "3"], "HA-2026-0001 has no line 3; its lines: 1 Seats: 10 x 40.00 EUR; 2 Partner discount"),
    (["HA-2026-0001", "--line", "0"], "--line takes a line's number, 1 for the first"),
  ])
  func refused(_ args: [String], _ message: String) throws {
    let base = try CancellationTests.folder("cn-line-refused")
    let (s, _, e) = Self.credit(base, args)
    #expect(s != 0 && e.contains(message), "\(e)")
    #expect(try LedgerStore.read(stateDir: base + "/state").creditNotes.isEmpty)
  }

  @Test("an invoice of the invoices file has no lines Accrue knows: --line is refused, saying what to do")
  func invoicesFile() throws {
    let base = try CreditNoteCommandTests.folder("cn-line-file")
    let (s, _, e) = CreditNoteCommandTests.decide(base, ["credit-note", "INV-1", "--line", "1", "--reason", "price error"])
    #expect(s == 1 && e.contains("INV-1 comes from the invoices file, whose lines Accrue does not know"), "\(e)")
  }
}
