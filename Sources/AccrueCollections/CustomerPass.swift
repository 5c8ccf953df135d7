import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueModel

/// A customer's open invoices in one currency, summed: `customer.balance` and the other totals the rules read.
struct CustomerTotals {
  /// The currency of the invoices summed.
  var currency: Currency
  /// What the customer owes on them (`customer.balance`), disputed amounts left out.
  var balance = Fixed.zero
  /// The part of it past due (`customer.overdue_balance`).
  var overdue = Fixed.zero
  /// How many of them are past due (`customer.overdue_count`).
  var count = 0
  /// Days the oldest of them is past due (`customer.oldest_overdue_days`).
  var oldest = 0
}

extension CollectionsRun {
  /// Gathers the open invoices (the data's and `extra`) by customer, in file order within each.
  mutating func prepare(_ extra: [OpenInvoice]) -> (byCustomer: CustomerLists, open: Int) {
    invoices = extra.isEmpty ? data.invoices : data.invoices + extra
    if let whyNot, let i = invoices.firstIndex(where: { $0.id == whyNot }) {
      let inv = invoices[i]
      if inv.status != .open { why?.steps.append(.notOpen(invoice: inv.id, status: inv.status)) }
      if inv.isCreditNote { why?.steps.append(.creditNote(invoice: inv.id)) }
      if inv.status == .open && !inv.isCreditNote && inv.unpaid <= .zero { why?.steps.append(.nothingLeftToPay(invoice: inv.id)) }
    }
    // Fields read one by one (copying an invoice would retain its strings).
    let lists = CustomerLists(customers: data.customers.count, invoices.count) { i in
      invoices[i].status == .open && !invoices[i].isCreditNote && OpenInvoice.open(invoices[i].amount, paid: invoices[i].paid) > .zero
        ? invoices[i].customer : -1
    }
    return (lists, lists.items.count)
  }

  /// Reads a word of each cache line of the listed invoices (where their fields are), so they are in the cache.
  @inline(__always) static func touch<C: Collection<Int32>>(_ invoices: [OpenInvoice], _ list: C) -> UInt64 {
    invoices.withUnsafeBufferPointer { b in
      let base = UnsafeRawPointer(b.baseAddress!)
      var sum: UInt64 = 0
      for i in list where Int(i) < b.count {
        let p = base + Int(i) * MemoryLayout<OpenInvoice>.stride
        var at = 0
        while at + 8 <= MemoryLayout<OpenInvoice>.size {
          sum &+= p.load(fromByteOffset: at, as: UInt64.self)
          at += 64
        }
      }
      return sum
    }
  }

  /// The reminders of the customers in `range` (oldest due date first within each), and the failures met on them.
  mutating func process(_ range: Range<Int>, _ byCustomer: CustomerLists) -> ([Reminder], [RunFailure]) {
    var reminders: [Reminder] = []
    failures.removeAll()
    let cust = RecordKind.customer.index
    let invRec = RecordKind.invoice.index
    env.records[invRec] = Array(repeating: .text(""), count: invoiceFieldCount)
    var list: [Int32] = []
    var byDue: [(due: Int32, invoice: Int32)] = []
    var candidates: [Candidate] = []
    appliesCache = Array(repeating: -2, count: plan.cadences.count)
    pauseCache = appliesCache
    stepCache = Array(repeating: -2, count: boxes.reduce(0) { $0 + $1.offsets.count })
    var touched: UInt64 = 0
    var ahead = range.lowerBound
    for c in range where !byCustomer.isEmpty(c) {
      // The next customer's invoices are read ahead, all at once, so their cache misses overlap one another
      // and this customer's work (read one by one as the work needs them, each would wait for memory alone).
      if ahead <= c {
        ahead = c + 1
        while ahead < range.upperBound && byCustomer.isEmpty(ahead) { ahead += 1 }
        if ahead < range.upperBound { touched &+= CollectionsRun.touch(invoices, byCustomer[ahead]) }
      }
      list.removeAll(keepingCapacity: true)
      list.append(contentsOf: byCustomer[c])
      if list.count > 1 {
        // Oldest due date first; the id breaks ties (compared only then: strings are the slow part). Each due
        // date is read once (a comparison reading it from the invoice would cost a cache miss).
        byDue.removeAll(keepingCapacity: true)
        for i in list { byDue.append((invoices[Int(i)].dueDate.dayNumber, i)) }
        byDue.sort { a, b in a.due != b.due ? a.due < b.due : OpenInvoice.idPrecedes(invoices, Int(a.invoice), Int(b.invoice)) }
        for k in byDue.indices { list[k] = byDue[k].invoice }
      }
      addUpTotals(list)
      env.records[cust] = data.customers[c].record
      totalsCurrency = nil
      candidates.removeAll(keepingCapacity: true)
      for i in list {
        if let cand = consider(Int(i), c) { candidates.append(cand) }
      }
      if candidates.isEmpty { continue }
      produce(candidates, invoices, c, into: &reminders)
    }
    touches &+= touched
    return (reminders, failures)
  }

  /// The calendar business-day arithmetic in conditions uses (set only when it changes: it is a struct of arrays).
  mutating func useCalendar(_ index: Int?) {
    let k = index ?? -1
    if k == calendarInUse { return }
    calendarInUse = k
    env.calendar = index.map { calendars[$0] }
  }

  /// The customer's totals per currency of its open invoices (`list`): an invoice sees those of its own currency.
  mutating func addUpTotals(_ list: [Int32]) {
    totals.removeAll(keepingCapacity: true)
    // Promises to pay whose date passed with an invoice they cover still open (`customer.broken_promises`).
    brokenPromises = 0
    if brokenPromisesSlot != nil, let first = list.first {
      for pk in promisesOf[invoices[Int(first)].customer] ?? [] where data.collections.promises[pk].promisedDate < asOf {
        if list.contains(where: { covers(data.collections.promises[pk].invoice, Int($0)) }) { brokenPromises += 1 }
      }
    }
    for i in list {
      let cur = invoices[Int(i)].currency
      let k = totals.firstIndex { $0.currency == cur } ?? {
        totals.append(CustomerTotals(currency: cur))
        return totals.count - 1
      }()
      let open = openAmount(Int(i), disputedExcluded: true)
      let due = invoices[Int(i)].dueDate
      totals[k].balance = exactSum(totals[k].balance, open, i)
      if due < asOf {
        totals[k].overdue = exactSum(totals[k].overdue, open, i)
        totals[k].count += 1
        totals[k].oldest = max(totals[k].oldest, Int(asOf.dayNumber - due.dayNumber))
      }
    }
  }

  /// Puts the customer's totals in `currency` into its record (a change of currency also forgets the answers of
  /// conditions that read only the customer: they may read the totals).
  mutating func useTotals(_ currency: Currency) {
    guard totalsCurrency != currency, let t = totals.first(where: { $0.currency == currency }) else { return }
    totalsCurrency = currency
    let cust = RecordKind.customer.index
    func set(_ slot: Int?, _ v: RValue) { if let s = slot, s < env.records[cust].count { env.records[cust][s] = v } }
    if totalsRead {
      set(totalSlots.balance, .money(t.balance, currency))
      set(totalSlots.overdue, .money(t.overdue, currency))
      set(totalSlots.count, .number(Fixed(t.count)))
      set(totalSlots.oldest, .days(Int64(t.oldest)))
      set(brokenPromisesSlot, .number(Fixed(brokenPromises)))
    }
    for k in appliesCache.indices {
      appliesCache[k] = -2
      pauseCache[k] = -2
    }
    for k in stepCache.indices { stepCache[k] = -2 }
  }

  /// A total of open amounts (a sum too large to represent stops the run).
  mutating func exactSum(_ a: Fixed, _ b: Fixed, _ i: Int32) -> Fixed {
    if let s = a.adding(b) { return s }
    fail("the customer's open balance is too large to add up", RuleRef(file: invoicesFile ?? "invoices", line: Int(invoices[Int(i)].line), column: 1), invoices[Int(i)])
    return a
  }
}
