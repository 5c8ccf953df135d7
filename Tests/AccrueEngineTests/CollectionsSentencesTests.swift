import AccrueCore
import AccrueModel
import AccrueRender
import Testing

/// The words of dunning's outputs, from the values the domain records.
@Suite("Collections sentences")
struct CollectionsSentencesTests {
  @Test("a step's timing: the same words inside and outside the shared table of common timings")
  func timings() {
    let t = { (o: Int, b: Bool) in CollectionsSentences.timing(ReminderTiming(offset: o, business: b)) }
    #expect(t(0, false) == "on due")
    #expect(t(0, true) == "on due")
    #expect(t(1, false) == "1 day after due")
    #expect(t(-3, false) == "3 days before due")
    #expect(t(5, true) == "5 business days after due")
    #expect(t(400, false) == "400 days after due")
    #expect(t(-400, true) == "400 business days before due")
    #expect(t(401, true) == "401 business days after due")
    #expect(t(-1000, false) == "1000 days before due")
  }

  @Test("a condition shows the fields it read, money with grouping")
  func condition() {
    let seen = CollectionsStep.ConditionSeen(
      text: "invoice.balance >= 500.00 USD", result: false,
      fields: [.init(record: .invoice, name: "balance", value: .money(Fixed("1200.00")!, .USD))])
    #expect(
      CollectionsSentences.sentence(.stepConditionFails(step: "second", fellOn: CivilDate.parse("2026-11-09")!, failing: seen))
        == "step second fell on 2026-11-09 but its condition does not hold: 'invoice.balance >= 500.00 USD' is false (invoice.balance = 1,200.00 USD)")
  }
}
