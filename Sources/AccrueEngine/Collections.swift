import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueParser
import Foundation

/// A message a reminder sends.
public struct ReminderMessage: Sendable, Hashable {
  public var channel: String
  public var template: String
  public var to: [String]
  public var cc: [String]

  public init(channel: String, template: String, to: [String], cc: [String]) {
    self.channel = channel
    self.template = template
    self.to = to
    self.cc = cc
  }
}

/// An action a step takes besides messages: a task, an escalation, a fee, a proposal...
public struct CollectionAction: Sendable {
  /// `task`, `escalate`, `suspend service`, `late fee`, `interest`, `write-off proposal`, `agency`.
  public var kind: String
  public var detail: String
  public var amount: Fixed?
  /// How the amount was computed.
  public var explanation: [String]
}

/// An invoice a reminder covers.
public struct CoveredInvoice: Sendable, Hashable {
  public var id: String
  public var number: String
  public var dueDate: CivilDate
  public var daysOverdue: Int
  public var balance: Fixed
  /// Disputed amount left out of `balance` (only under `pause on dispute`).
  public var disputed: Fixed
}

/// A reminder (one step of a cadence for one invoice, or for a customer's invoices when grouped).
public struct Reminder: Sendable {
  /// Stable key: the driving invoice, cadence and step (`INV-1/standard/first_reminder`).
  public var key: String
  public var date: CivilDate
  public var customerID: String
  public var customerName: String
  public var cadence: String
  public var cadenceLabel: String
  public var step: String
  public var stepLabel: String
  /// When the step fell for the driving invoice (on or before `date`).
  public var stepDate: CivilDate
  public var timing: String
  /// The covered invoices, oldest first; the first drives the step.
  public var invoices: [CoveredInvoice]
  public var currency: Currency
  public var total: Fixed
  public var messages: [ReminderMessage]
  public var actions: [CollectionAction]
  /// Steps that were due but never sent (catch-up sends only the latest).
  public var skipped: [String]
  /// The step's rule.
  public var rule: RuleRef
  /// Why it fired: cadence selection, step, and the values its conditions saw.
  public var explanation: [String]
  /// Rows it came from (invoices, customer, promises...).
  public var sources: [RowRef]
  /// The reminder as a journal item.
  public var produced: ProducedItem {
    ProducedItem(kind: .reminder, key: key, date: date, customer: customerID, cadence: cadence, step: step, invoices: invoices.map(\.id))
  }

  /// Whether a message goes to the customer (the minimum gap counts only these).
  public var contactsCustomer: Bool { !messages.isEmpty }
}

/// The result of a collections run.
public struct CollectionsResult: Sendable {
  public var asOf: CivilDate
  public var reminders: [Reminder]
  /// Open invoices looked at.
  public var openInvoices: Int
  /// Why nothing (or what) fired for the invoice asked about with `whyNot`, one line per reason.
  public var whyNot: [String]?
  /// Problems met evaluating rules against data.
  public var failures: [String]
}

/// Lines explaining one invoice's outcome.
final class WhyLog {
  var lines: [String] = []
}

/// Runs the dunning cadences against open invoices as of a date.
public enum Collections {
  /// Produces the reminders due as of `asOf`. `history` holds what was produced before (the journal),
  /// in addition to the data folder's reminders.csv; nothing in it is produced again.
  public static func run(
    plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [ProducedItem] = [], whyNot: String? = nil,
    extraInvoices: [OpenInvoice] = []
  ) -> CollectionsResult {
    var run = CollectionsRun(plan: plan, data: data, asOf: asOf, history: data.collections.sent + history, whyNot: whyNot)
    return run.execute(extraInvoices)
  }
}

/// One run's state: prepared tables, then a pass over customers.
struct CollectionsRun {
  let plan: ExecutablePlan
  let data: Dataset
  let asOf: CivilDate
  let env: Env
  let whyNot: String?
  var calendars: [BusinessCalendar] = []
  /// Keys already produced.
  var sentKeys: Set<String> = []
  /// Latest step index sent per invoice id and cadence index.
  var stepSent: [String: [Int: (step: Int, key: String, date: CivilDate)]] = [:]
  /// Date of the latest reminder to each customer (by id), on or before the as-of date.
  var lastContact: [String: CivilDate] = [:]
  var failures: [String] = []
  /// The lines `--why-not` shows (a reference, so noting does not need exclusive access to the run).
  let why: WhyLog?
  /// Promises and payment plans by customer index.
  var promisesOf: [Int32: [Int]] = [:]
  var plansOf: [Int32: [Int]] = [:]
  // Field slots.
  let invoiceSlots: [String: Int]
  let customerSlots: [String: Int]
  let invoiceFieldCount: Int
  let firstCustomInvoiceSlot: Int

  init(plan: ExecutablePlan, data: Dataset, asOf: CivilDate, history: [ProducedItem], whyNot: String?) {
    self.plan = plan
    self.data = data
    self.asOf = asOf
    self.whyNot = whyNot
    env = Env(asOf: asOf)
    for l in plan.lets { env.lets.append(l.eval(env)) }
    let p = plan.program
    let inv = p.fields(of: .invoice)
    invoiceSlots = Dictionary(inv.map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    invoiceFieldCount = inv.count
    firstCustomInvoiceSlot = inv.first { $0.isCustom }?.index ?? inv.count
    customerSlots = Dictionary(p.fields(of: .customer).map { ($0.name, $0.index) }, uniquingKeysWith: { a, _ in a })
    for (ci, c) in plan.calendars.enumerated() {
      var days: [CivilDate] = []
      for h in c.holidays {
        if case .date(let d) = h.date.eval(env) { days.append(d) }
      }
      days += data.collections.holidays[ci] ?? []
      calendars.append(BusinessCalendar(weekend: c.weekend, holidays: days) ?? .weekendsOnly)
    }
    let cadenceIndex = Dictionary(plan.cadences.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { a, _ in a })
    for h in history {
      sentKeys.insert(h.key)
      if h.date <= asOf, (lastContact[h.customer].map { $0 < h.date } ?? true) { lastContact[h.customer] = h.date }
      guard let ci = cadenceIndex[h.cadence], let si = plan.cadences[ci].steps.firstIndex(where: { $0.name == h.step }) else { continue }
      for id in h.invoices {
        if let prev = stepSent[id]?[ci], prev.step >= si { continue }
        stepSent[id, default: [:]][ci] = (si, h.key, h.date)
      }
    }
    why = whyNot == nil ? nil : WhyLog()
    for (k, p) in data.collections.promises.enumerated() { promisesOf[p.customer, default: []].append(k) }
    for (k, p) in data.collections.paymentPlans.enumerated() { plansOf[p.customer, default: []].append(k) }
  }

  /// Whether a promise or plan row (invoice index or -1 for all) covers the invoice.
  func covers(_ target: Int32, _ i: Int) -> Bool { target < 0 || Int(target) == i }

  func calendar(_ c: CompiledCadence) -> BusinessCalendar { c.calendar.map { calendars[$0] } ?? .weekendsOnly }

  /// The day a step falls for a due date: business days counted on the cadence's calendar; a step on a
  /// non-business day moves to the next business day.
  func stepDate(_ s: CompiledStep, due: CivilDate, _ cal: BusinessCalendar) -> CivilDate {
    if s.business && s.offset != 0 { return cal.adding(businessDays: s.offset, to: due) ?? due }
    let d = due.adding(days: s.offset) ?? due
    return cal.nextBusinessDay(onOrAfter: d) ?? d
  }

  func note(_ invoiceID: String, _ line: @autoclosure () -> String) {
    if invoiceID == whyNot { why?.lines.append(line()) }
  }

  /// Evaluates a condition; a failure counts as false and is reported.
  mutating func holds(_ c: CCondition, _ rule: RuleRef) -> Bool {
    env.reset()
    let v = c.expr.eval(env)
    if let f = env.failure {
      failures.append("\(rule.file):\(rule.line): \(f.message)")
      return false
    }
    return v.isTrue
  }

  /// The first condition that does not hold, or nil when all do.
  mutating func firstFailing(_ conditions: [CCondition], _ rule: RuleRef) -> CCondition? {
    for c in conditions where !holds(c, rule) { return c }
    return nil
  }

  /// The fields a compiled expression reads, with their current values: "invoice.balance = 120.00 USD".
  func seen(_ e: CExpr) -> String {
    var parts: [String] = []
    var rest = Substring(e.resolved)
    while let r = rest.range(of: "(field ") {
      rest = rest[r.upperBound...]
      guard let close = rest.firstIndex(of: ")") else { break }
      let inner = rest[..<close].split(separator: " ")
      rest = rest[close...]
      guard inner.count == 2, let hash = inner[0].firstIndex(of: "#"), let slot = Int(inner[0][inner[0].index(after: hash)...]) else { continue }
      let record = String(inner[0][..<hash])
      let idx = record == "invoice" ? RecordKind.invoice.index : record == "customer" ? RecordKind.customer.index : -1
      guard idx >= 0, slot < env.records[idx].count else { continue }
      let value: String
      if case .money(let m, let c) = env.records[idx][slot] { value = money(m, c) } else { value = env.records[idx][slot].description }
      let text = "\(record).\(inner[1]) = \(value)"
      if !parts.contains(text) { parts.append(text) }
    }
    return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
  }

  /// A condition as the explanation shows it.
  func show(_ c: CCondition, _ result: Bool) -> String { "'\(c.text)' is \(result)\(seen(c.expr))" }

  // MARK: The pass

  struct Candidate {
    var invoice: Int
    var cadence: Int
    var step: Int
    var stepDate: CivilDate
    var skipped: [String]
    var explanation: [String]
    var balance: Fixed
    var disputed: Fixed
  }

  mutating func execute(_ extra: [OpenInvoice]) -> CollectionsResult {
    let invoices = data.invoices + extra
    // Open invoices by customer, oldest due date first (ties: id).
    var byCustomer = [[Int32]](repeating: [], count: data.customers.count)
    var open = 0
    for (i, inv) in invoices.enumerated() {
      if inv.id == whyNot {
        if inv.status != .open { why?.lines.append("invoice \(inv.id) is \(inv.status.rawValue): only open invoices are dunned") }
        if inv.isCreditNote { why?.lines.append("\(inv.id) is a credit note: credit notes are not dunned") }
        if inv.status == .open && !inv.isCreditNote && inv.unpaid <= .zero { why?.lines.append("invoice \(inv.id) has nothing left to pay") }
      }
      guard inv.status == .open, !inv.isCreditNote, inv.unpaid > .zero else { continue }
      byCustomer[Int(inv.customer)].append(Int32(i))
      open += 1
    }
    var reminders: [Reminder] = []
    let cust = RecordKind.customer.index
    let invRec = RecordKind.invoice.index
    env.records[invRec] = Array(repeating: .text(""), count: invoiceFieldCount)
    for c in byCustomer.indices where !byCustomer[c].isEmpty {
      var list = byCustomer[c]
      list.sort { a, b in
        let x = invoices[Int(a)]
        let y = invoices[Int(b)]
        return (x.dueDate, x.id) < (y.dueDate, y.id)
      }
      let customer = data.customers[c]
      // The customer's totals, in its currency (the first invoice's when it states none).
      var record = customer.record
      var currency = invoices[Int(list[0])].currency
      if let s = customerSlots["currency"], customer.record.indices.contains(s), case .currency(let cc) = customer.record[s],
        list.contains(where: { invoices[Int($0)].currency == cc })
      {
        currency = cc
      }
      var balance = Fixed.zero
      var overdue = Fixed.zero
      var overdueCount = 0
      var oldest = 0
      for i in list {
        let inv = invoices[Int(i)]
        guard inv.currency == currency else { continue }
        balance = balance.adding(inv.balance) ?? balance
        if inv.dueDate < asOf {
          overdue = overdue.adding(inv.balance) ?? overdue
          overdueCount += 1
          oldest = max(oldest, Int(asOf.dayNumber - inv.dueDate.dayNumber))
        }
      }
      func set(_ name: String, _ v: RValue) { if let s = customerSlots[name], s < record.count { record[s] = v } }
      set("balance", .money(balance, currency))
      set("overdue_balance", .money(overdue, currency))
      set("overdue_count", .number(Fixed(overdueCount)))
      set("oldest_overdue_days", .days(Int64(oldest)))
      env.records[cust] = record

      var candidates: [Candidate] = []
      for i in list {
        if let cand = consider(Int(i), invoices[Int(i)], c) { candidates.append(cand) }
      }
      if candidates.isEmpty { continue }
      reminders += produce(candidates, invoices, c)
    }
    return CollectionsResult(asOf: asOf, reminders: reminders, openInvoices: open, whyNot: why?.lines, failures: failures)
  }

  /// Fills the invoice record for the rules.
  mutating func load(_ inv: OpenInvoice, disputedExcluded: Bool) {
    let r = RecordKind.invoice.index
    func set(_ name: String, _ v: RValue) { if let s = invoiceSlots[name] { env.records[r][s] = v } }
    let cur = inv.currency
    set("id", .text(inv.id))
    set("number", .text(inv.number))
    set("customer", .record(.customer))
    set("issue_date", .date(inv.issueDate))
    set("due_date", .date(inv.dueDate))
    set("currency", .currency(cur))
    set("amount", .money(inv.amount, cur))
    set("amount_paid", .money(inv.paid, cur))
    set("disputed_amount", .money(inv.disputed, cur))
    set("balance", .money(disputedExcluded ? inv.balance : inv.unpaid, cur))
    set("days_overdue", .days(Int64(max(0, asOf.dayNumber - inv.dueDate.dayNumber))))
    set("status", .text(inv.status.rawValue))
    set("reference", .text(inv.reference))
    for (k, v) in inv.custom.enumerated() where firstCustomInvoiceSlot + k < env.records[r].count {
      env.records[r][firstCustomInvoiceSlot + k] = v
    }
  }

  /// Decides what one open invoice calls for: a step to send, or nothing (with the reason noted).
  mutating func consider(_ i: Int, _ inv: OpenInvoice, _ c: Int) -> Candidate? {
    load(inv, disputedExcluded: true)
    // 1. The first cadence that applies.
    var chosen: Int?
    for (k, cad) in plan.cadences.enumerated() {
      if let cur = cad.currency, cur != inv.currency {
        note(inv.id, "cadence \(cad.name) (\(cad.source)) takes only \(cur.code) invoices; this one is in \(inv.currency.code)")
        continue
      }
      if let a = firstFailing(cad.applies, cad.source) {
        note(inv.id, "cadence \(cad.name) (\(cad.source)) does not apply: \(show(a, false))")
      } else {
        chosen = k
        break
      }
    }
    guard let ck = chosen else {
      note(inv.id, "no cadence applies to invoice \(inv.id)")
      return nil
    }
    let cad = plan.cadences[ck]
    var explanation = ["cadence \(cad.name) \"\(cad.label)\" (\(cad.source)): the first in rule order that applies"]
    for a in cad.applies { explanation.append("  applies when \(show(a, true))") }
    // 2. Pauses.
    let disputedOut = cad.pauseOnDispute
    if !disputedOut { load(inv, disputedExcluded: false) }
    let open = disputedOut ? inv.balance : inv.unpaid
    if open <= .zero {
      note(inv.id, "paused by cadence \(cad.name): the whole open amount (\(inv.unpaid) \(inv.currency.code)) is disputed ('pause on dispute')")
      return nil
    }
    if cad.pauseOnCreditHold, let s = customerSlots["credit_hold"], case .bool(true) = env.records[RecordKind.customer.index][s] {
      note(inv.id, "paused by cadence \(cad.name): the customer is on credit hold ('pause on credit hold')")
      return nil
    }
    if cad.pauseOnPromise {
      for pk in promisesOf[inv.customer] ?? [] where covers(data.collections.promises[pk].invoice, i) {
        let p = data.collections.promises[pk]
        if asOf <= p.promisedDate {
          note(inv.id, "paused by cadence \(cad.name): promise to pay by \(p.promisedDate) (\(p.source))")
          return nil
        }
        explanation.append("promise to pay by \(p.promisedDate) (\(p.source)) was not kept: dunning resumed")
      }
    }
    if cad.pauseOnPaymentPlan {
      for pk in plansOf[inv.customer] ?? [] where covers(data.collections.paymentPlans[pk].invoice, i) {
        let p = data.collections.paymentPlans[pk]
        if p.active && p.start <= asOf && (p.end.map { asOf <= $0 } ?? true) {
          note(inv.id, "paused by cadence \(cad.name): payment plan \(p.id) from \(p.start)\(p.end.map { " to \($0)" } ?? "") (\(p.source))")
          return nil
        }
      }
    }
    for w in cad.pauseWhen where holds(w, cad.source) {
      note(inv.id, "paused by cadence \(cad.name): pause when \(show(w, true))")
      return nil
    }
    // 3. The latest step due whose condition holds.
    let cal = calendar(cad)
    var chosenStep: Int?
    var dates: [CivilDate] = []
    for s in cad.steps { dates.append(stepDate(s, due: inv.dueDate, cal)) }
    for k in cad.steps.indices.reversed() where dates[k] <= asOf {
      let s = cad.steps[k]
      if let cond = firstFailing(s.conditions, s.source) {
        note(inv.id, "step \(s.name) fell on \(dates[k]) but its condition does not hold: \(show(cond, false))")
      } else {
        chosenStep = k
        break
      }
    }
    guard let sk = chosenStep else {
      if let next = cad.steps.indices.first(where: { dates[$0] > asOf }) {
        note(inv.id, "not yet due: the next step of cadence \(cad.name), \(cad.steps[next].name) (\(cad.steps[next].timing)), falls on \(dates[next])")
      } else {
        note(inv.id, "no step of cadence \(cad.name) applies")
      }
      return nil
    }
    let step = cad.steps[sk]
    let last = stepSent[inv.id]?[ck]
    if let last, last.step >= sk {
      let sentName = cad.steps[last.step].name
      var text = "already sent: step \(sentName) of cadence \(cad.name) on \(last.date) (\(last.key))"
      if let next = cad.steps.indices.first(where: { $0 > last.step && dates[$0] > asOf }) {
        text += "; the next step, \(cad.steps[next].name), falls on \(dates[next])"
      }
      note(inv.id, text)
      return nil
    }
    explanation.append("step \(step.name) \"\(step.label)\" (\(step.source)): \(step.timing), due \(inv.dueDate) -> \(dates[sk])\(cal == .weekendsOnly ? "" : " on calendar \(plan.calendars[cad.calendar ?? 0].name)")")
    for cond in step.conditions { explanation.append("  when \(show(cond, true))") }
    let from = (last?.step ?? -1) + 1
    let skipped = (from..<sk).filter { dates[$0] <= asOf }.map { cad.steps[$0].name }
    if !skipped.isEmpty {
      explanation.append("catch-up: only the latest step due is sent; skipped \(skipped.joined(separator: ", "))")
    }
    return Candidate(
      invoice: i, cadence: ck, step: sk, stepDate: dates[sk], skipped: skipped, explanation: explanation, balance: open,
      disputed: disputedOut ? inv.disputed : .zero)
  }

  /// Turns a customer's candidates into reminders: grouped per cadence and currency when the cadence says
  /// so (the oldest invoice drives the step), subject to the minimum gap.
  mutating func produce(_ candidates: [Candidate], _ invoices: [OpenInvoice], _ c: Int) -> [Reminder] {
    let customer = data.customers[c]
    var groups: [[Candidate]] = []
    var groupOf: [String: Int] = [:]
    for cand in candidates {
      let cad = plan.cadences[cand.cadence]
      if cad.grouped {
        let g = "\(cand.cadence)/\(invoices[cand.invoice].currency.code)"
        if let k = groupOf[g] {
          groups[k].append(cand)
          continue
        }
        groupOf[g] = groups.count
      }
      groups.append([cand])
    }
    var out: [Reminder] = []
    for group in groups {
      let driver = group[0]
      let inv = invoices[driver.invoice]
      let cad = plan.cadences[driver.cadence]
      let step = cad.steps[driver.step]
      let key = "\(inv.id)/\(cad.name)/\(step.name)"
      if sentKeys.contains(key) {
        for g in group { note(invoices[g.invoice].id, "already produced: \(key)") }
        continue
      }
      let sends = step.actions.contains { if case .send = $0 { return true } else { return false } }
      if sends, let gap = cad.minimumGap, let last = lastContact[customer.id] {
        let cal = calendar(cad)
        let after = gap.business ? (cal.adding(businessDays: gap.days, to: last) ?? last) : (last.adding(days: gap.days) ?? last)
        // Like a step, a reminder held back by the gap goes out on a business day.
        let next = cal.nextBusinessDay(onOrAfter: after) ?? after
        if asOf < next {
          for g in group {
            note(
              invoices[g.invoice].id,
              "minimum gap of \(gap.days) \(gap.business ? "business " : "")days (\(cad.source)): the customer was last reminded on \(last); next reminder on \(next) at the earliest")
          }
          continue
        }
      }
      load(inv, disputedExcluded: cad.pauseOnDispute)
      var covered: [CoveredInvoice] = []
      var total = Fixed.zero
      var sources = [customer.source]
      for g in group {
        let x = invoices[g.invoice]
        covered.append(
          CoveredInvoice(
            id: x.id, number: x.number, dueDate: x.dueDate, daysOverdue: max(0, Int(asOf.dayNumber - x.dueDate.dayNumber)),
            balance: g.balance, disputed: g.disputed))
        total = total.adding(g.balance) ?? total
        if let f = data.invoicesFile { sources.append(RowRef(file: f, line: Int(x.line))) }
        if g.invoice != driver.invoice { note(x.id, "covered by reminder \(key), driven by the oldest invoice \(inv.id)") }
      }
      note(inv.id, "fires: reminder \(key)")
      var explanation = driver.explanation
      if group.count > 1 {
        explanation.append("one reminder per customer: covers \(group.count) invoices; the oldest, \(inv.id), drives the step")
      }
      var messages: [ReminderMessage] = []
      var actions: [CollectionAction] = []
      for a in step.actions {
        switch a {
        case .send(let ch, let template, let to, let cc):
          var recipients = texts(to, step.source)
          if recipients.isEmpty && to.isEmpty {
            recipients = ["billing_email", "email"].compactMap { field in
              customerSlots[field].flatMap { s in
                if case .text(let t) = env.records[RecordKind.customer.index][s], !t.isEmpty { return t }
                return nil
              }
            }.prefix(1).map { $0 }
          }
          messages.append(ReminderMessage(channel: ch.rawValue, template: template, to: recipients, cc: texts(cc, step.source)))
        case .task(let title, let kind, let who):
          actions.append(CollectionAction(kind: "task", detail: "\(title) (\(kind) \(who))", amount: nil, explanation: []))
        case .escalate(let who):
          actions.append(CollectionAction(kind: "escalate", detail: "escalate to \(who)", amount: nil, explanation: []))
        case .suspend:
          actions.append(CollectionAction(kind: "suspend service", detail: "suspend service", amount: nil, explanation: []))
        case .writeOff:
          actions.append(
            CollectionAction(
              kind: "write-off proposal", detail: "propose writing off \(money(total, inv.currency))", amount: total,
              explanation: ["the open balance of the covered invoices"]))
        case .agency(let name):
          actions.append(
            CollectionAction(
              kind: "agency", detail: "hand over \(money(total, inv.currency)) to agency \(name)", amount: total,
              explanation: ["the open balance of the covered invoices"]))
        case .lateFee(let fixed, let percent):
          actions.append(lateFee(fixed, percent, total, inv, cad, step))
        case .interest(let rate, let dayCount):
          actions.append(interest(rate, dayCount, group, invoices, inv, cad, step))
        }
      }
      let reminder = Reminder(
        key: key, date: asOf, customerID: customer.id, customerName: customer.name, cadence: cad.name, cadenceLabel: cad.label,
        step: step.name, stepLabel: step.label, stepDate: driver.stepDate, timing: step.timing, invoices: covered,
        currency: inv.currency, total: total, messages: messages, actions: actions, skipped: driver.skipped, rule: step.source,
        explanation: explanation, sources: sources)
      sentKeys.insert(key)
      if reminder.contactsCustomer { lastContact[customer.id] = asOf }
      for g in group { stepSent[invoices[g.invoice].id, default: [:]][driver.cadence] = (driver.step, key, asOf) }
      out.append(reminder)
    }
    return out
  }

  mutating func texts(_ exprs: [CExpr], _ rule: RuleRef) -> [String] {
    var out: [String] = []
    for e in exprs {
      env.reset()
      let v = e.eval(env)
      if let f = env.failure { failures.append("\(rule.file):\(rule.line): \(f.message)") }
      if case .text(let t) = v, !t.isEmpty { out.append(t) }
    }
    return out
  }

  func money(_ v: Fixed, _ c: Currency) -> String { Money(amount: v, currency: c).formatted(grouping: true) }

  mutating func lateFee(
    _ fixed: CExpr?, _ percent: CExpr?, _ total: Fixed, _ inv: OpenInvoice, _ cad: CompiledCadence, _ step: CompiledStep
  ) -> CollectionAction {
    var fixedE = fixed
    var percentE = percent
    var from = "step \(step.name) (\(step.source))"
    if fixed == nil && percent == nil {
      guard inv.contract >= 0, let terms = plan.plans[data.contracts[Int(inv.contract)].plan].lateFee else {
        return CollectionAction(
          kind: "late fee", detail: "no late fee: the invoice's plan states no late fee terms", amount: nil,
          explanation: ["'late fee' without amounts uses the plan's terms; invoice \(inv.id) has \(inv.contract >= 0 ? "a plan without them" : "no contract")"])
      }
      fixedE = terms.fixed
      percentE = terms.percent
      from = "the terms of plan \(plan.plans[data.contracts[Int(inv.contract)].plan].name)"
    }
    var fee = Fixed.zero
    var lines = ["late fee from \(from)"]
    env.reset()
    if let f = fixedE {
      switch f.eval(env) {
      case .money(let m, let cur) where cur == inv.currency:
        fee = m
        lines.append("fixed part \(money(m, cur))")
      case .money(_, let cur):
        failures.append("\(step.source): the late fee is in \(cur.code) but the invoices are in \(inv.currency.code)")
        return CollectionAction(kind: "late fee", detail: "late fee not computed: currency mismatch", amount: nil, explanation: lines)
      default: break
      }
    }
    if let p = percentE, case .percent(let r) = p.eval(env) {
      let part = total.multiplied(by: r) ?? .zero
      fee = fee.adding(part) ?? fee
      lines.append("\(r.multiplied(by: Fixed(100))?.description ?? "?")% of \(money(total, inv.currency)) = \(part)")
    }
    let rounded = Money(amount: fee, currency: inv.currency).rounded(cad.rounding)?.amount ?? fee
    lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))")
    return CollectionAction(kind: "late fee", detail: "late fee \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }

  mutating func interest(
    _ rate: CExpr?, _ dayCount: DayCount?, _ group: [Candidate], _ invoices: [OpenInvoice], _ inv: OpenInvoice, _ cad: CompiledCadence,
    _ step: CompiledStep
  ) -> CollectionAction {
    var rateE = rate
    var dc = dayCount ?? .actual365
    var from = "step \(step.name) (\(step.source))"
    if rate == nil {
      guard inv.contract >= 0, let terms = plan.plans[data.contracts[Int(inv.contract)].plan].interest else {
        return CollectionAction(
          kind: "interest", detail: "no interest: the invoice's plan states no interest terms", amount: nil,
          explanation: ["'interest' without a rate uses the plan's terms; invoice \(inv.id) has \(inv.contract >= 0 ? "a plan without them" : "no contract")"])
      }
      rateE = terms.rate
      dc = terms.dayCount
      from = "the terms of plan \(plan.plans[data.contracts[Int(inv.contract)].plan].name)"
    }
    env.reset()
    guard let re = rateE, case .percent(let r) = re.eval(env) else {
      return CollectionAction(kind: "interest", detail: "no interest: the rate did not evaluate", amount: nil, explanation: [])
    }
    var lines = ["interest at \(r.multiplied(by: Fixed(100))?.description ?? "?")% a year, \(dc.rawValue), from \(from)"]
    var total = Fixed.zero
    for g in group {
      let x = invoices[g.invoice]
      guard x.dueDate < asOf else { continue }
      let part = simpleInterest(principal: g.balance, annualRate: r, dayCount: dc, from: x.dueDate, to: asOf) ?? .zero
      lines.append("\(x.id): \(money(g.balance, x.currency)) x \(asOf.dayNumber - x.dueDate.dayNumber) days since \(x.dueDate) = \(part)")
      total = total.adding(part) ?? total
    }
    let rounded = Money(amount: total, currency: inv.currency).rounded(cad.rounding)?.amount ?? total
    lines.append("rounded \(cad.rounding.rawValue) to \(money(rounded, inv.currency))")
    return CollectionAction(kind: "interest", detail: "interest \(money(rounded, inv.currency))", amount: rounded, explanation: lines)
  }
}
