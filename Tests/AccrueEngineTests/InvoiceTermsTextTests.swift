import AccrueModel
import Testing

@testable import AccrueRender

/// Payment terms written in place (`TextBuffer.terms`) are the bytes of `BillingText.terms` (their description).
@Suite("Payment terms written in place")
struct InvoiceTermsTextTests {
  @Test("every kind of terms and period, counts of -2 to 400 and the extremes, against the description")
  func asDescription() {
    var counts: [Int64] = Array(-2...400)
    counts += [999, 1_000, 65_536, Int64(Int32.max), Int64.max, Int64.min, Int64.min + 1]
    var terms: [InvoiceTerms] = [.dueOnReceipt, .endOfMonth, .installments, .net(.unknown), .netEndOfMonth(.unknown)]
    for n in counts {
      for p in [TermsPeriod.days(n), .businessDays(n), .months(n)] { terms += [.net(p), .netEndOfMonth(p)] }
      terms.append(.dayOfNextMonth(n))
    }
    for t in terms {
      var a = TextBuffer(capacity: 4)
      a.put("(")
      a.terms(t)
      a.put(")")
      #expect(a.string == "(" + BillingText.terms(t) + ")", "\(t)")
    }
  }
}
