import AccrueCore
import Testing

@testable import AccrueBilling

/// `Billing.invoiceKey` (the date's bytes written in place) is its definition, `id + "/" + date.description`.
@Suite("An invoice's key written in one piece")
struct InvoiceKeyTests {
  @Test("the definition's text: empty, small, large and non-ASCII ids; dates of one to five digit years")
  func asDefinition() {
    let ids = ["", "c", "ctr-000001", "a-contract-id-well-past-sixteen-bytes", "Été-7", "🇸🇪", "\u{301}x"]
    let days: [Int32] = [-800_000, -1, 0, 1, 20_000, 20_758, 2_932_896, 2_932_897, 3_000_000]  // years -220 to 10,183
    for id in ids {
      for d in days {
        let date = CivilDate(dayNumber: d)
        let key = Billing.invoiceKey(id, date)
        #expect(key == id + "/" + date.description)
        #expect(key.utf8.elementsEqual((id + "/" + date.description).utf8))
      }
    }
  }
}
