import AccrueCore
import AccrueModel
import Testing

@testable import AccrueRender

/// The shortcuts of the reminders' JSON against their definitions: covered invoices written as fixed text and values
/// (`CoveredInvoiceText`) against the writer field by field, places in the file of the place before against each
/// place written whole.
struct ReminderJSONTests {
  /// A reminder covering invoices of every shape: inline and long ids, numbers of their own or none, escapes,
  /// amounts zero, negative, fractional and large, days overdue 0 and many.
  static func reminder(_ currency: Currency) -> Reminder {
    let ids = ["INV-2026-0253035", "", "a\"b\\c", "facture-\u{E9}", "INV-0123456789-0123456789-0123456789", "x\u{1}y"]
    let amounts = [Fixed.zero, Fixed(49), Fixed(raw: 3_430_000_000_000_000_000), Fixed(-12), Fixed(raw: -5), Fixed(123_456_789_012)]
    // Due dates again, in one slot of the kept dates (64 days apart) and beyond four-digit years.
    let dues: [Int32] = [20_000, 20_037, 20_000, 20_064, 20_064, 20_000, 3_000_000, 3_000_000, -800_000, 20_128, 20_037]
    var covered: [CoveredInvoice] = []
    for (k, id) in ids.enumerated() {
      for number in [id, "", "N-\(k)"] {
        covered.append(
          CoveredInvoice(
            ref: InvoiceRef(id: id, number: number), dueDate: CivilDate(dayNumber: dues[covered.count % dues.count]),
            daysOverdue: [0, 1, 9, 127, 10_000][k % 5], balance: amounts[k], disputed: amounts[(k + 2) % amounts.count]))
      }
    }
    var m = Reminder.placeholder
    m.invoices = covered
    m.currency = currency
    return m
  }

  @Test("covered invoices written as fixed text and values are the writer's field by field, at any depth", arguments: [0, 1, 2, 5])
  func coveredInvoices(depth: Int) {
    // Currencies of 2, 0 and 3 decimals: zero amounts as fixed text with each.
    for currency in [Currency.USD, .JPY, Currency.lookup("BHD")!] {
      let m = ReminderJSONTests.reminder(currency)
      for disputed in [true, false] {
        var fast = JSONWriter(arrayMembersAt: depth, itemsBefore: depth % 2 == 1)
        var slow = JSONWriter(arrayMembersAt: depth, itemsBefore: depth % 2 == 1)
        var fixed: CoveredInvoiceText?
        for _ in 0..<2 {
          // Twice in one writer: the fixed text made for the first is used again; and once nested deeper (made anew).
          fast.item()
          slow.item()
          fast.open("{")
          slow.open("{")
          ReminderRenderer.writeInvoices(m, disputed: disputed, into: &fast, fixed: &fixed)
          ReminderRenderer.writeInvoices(m, disputed: disputed, into: &slow)
          fast.key("deeper")
          slow.key("deeper")
          fast.open("{")
          slow.open("{")
          ReminderRenderer.writeInvoices(m, disputed: disputed, into: &fast, fixed: &fixed)
          ReminderRenderer.writeInvoices(m, disputed: disputed, into: &slow)
          fast.close("}")
          slow.close("}")
          fast.close("}")
          slow.close("}")
        }
        let (a, b) = (fast.string, slow.string)
        #expect(a == b)
      }
    }
    // No invoices, and a compact writer: the writer's own path.
    var empty = Reminder.placeholder
    empty.currency = .USD
    for m in [empty, ReminderJSONTests.reminder(.EUR)] {
      var fast = JSONWriter(compactCapacity: 64)
      var slow = JSONWriter(compactCapacity: 64)
      var fixed: CoveredInvoiceText?
      fast.open("{")
      slow.open("{")
      ReminderRenderer.writeInvoices(m, disputed: true, into: &fast, fixed: &fixed)
      ReminderRenderer.writeInvoices(m, disputed: true, into: &slow)
      fast.close("}")
      slow.close("}")
      #expect(fast.string == slow.string)
    }
  }

  @Test("places in the file of the place before are each the place's description")
  func placesInOneFile() {
    let files = ["/tmp/accrue-bench/dun/invoices.csv", "/tmp/accrue-bench/dun/customers.csv", "/tmp/a \"b\"\\c/invoices.csv", "", "é/x.csv", "short"]
    var lists: [[SourceRef]] = [[]]
    for f in files {
      lists.append([SourceRef(file: f, line: 2)])
      lists.append((0..<5).map { SourceRef(file: f, line: 1_000 * $0 + 7) })
    }
    // Runs of one file after another, and files alternating.
    lists.append(files.flatMap { f in (0..<3).map { SourceRef(file: f, line: $0) } })
    lists.append((0..<12).map { SourceRef(file: files[$0 % 3], line: $0) })
    // Equal as characters, not as bytes (é composed, then e and a combining accent), and equal bytes held twice.
    let composed = "/tmp/data/caf\u{E9}/invoices.csv"
    let decomposed = "/tmp/data/cafe\u{301}/invoices.csv"
    #expect(composed == decomposed)
    let copy = String(decoding: Array(composed.utf8), as: UTF8.self)
    lists.append([composed, decomposed, composed, copy, copy, decomposed].enumerated().map { SourceRef(file: $1, line: $0) })
    for list in lists {
      var fast = JSONWriter(arrayMembersAt: 3, itemsBefore: false)
      var slow = JSONWriter(arrayMembersAt: 3, itemsBefore: false)
      fast.item()
      slow.item()
      fast.open("{")
      slow.open("{")
      fast.places("sources", list)
      slow.strings("sources", list.map(\.description))
      fast.place("rule", list.first)
      slow.field("rule", list.first?.description)
      fast.places("again", list)
      slow.strings("again", list.map(\.description))
      fast.close("}")
      slow.close("}")
      let (a, b) = (fast.string, slow.string)
      #expect(a == b)
    }
  }

  @Test("zero as fixed text is zero as the writer writes it, for every number of places")
  func zeroText() {
    let t = CoveredInvoiceText(depth: 1)
    for places in 0...20 {
      var fast = JSONWriter(compactCapacity: 64)
      var slow = JSONWriter(compactCapacity: 64)
      slow.amount(.zero, places: places, grouping: false)
      if let zero = t.zero(places: places) { fast.raw(zero) } else { fast.amount(.zero, places: places, grouping: false) }
      #expect(fast.string == slow.string)
      #expect((t.zero(places: places) == nil) == (places > 18))
    }
  }
}
