import AccrueCore

/// A rule test (`*.accrue-test`): a small dataset, an as-of date and what the run must produce.
///
/// ```
/// test "Team seats: 15.00 USD each"
/// rules ..
/// as of 2026-11-01
/// data folder ../../examples/data
/// data contracts.csv
/// id,customer,plan,start_date,seats
/// k1,cust-001,team,2026-10-01,3
///
/// expect invoice k1/2026-11-01 total 45.00 USD
/// expect invoice k1/2026-11-01 line "Seats: 3 x 15.00 USD" 45.00
/// expect no reminder INV-1/standard/first_reminder
/// ```
public struct RuleTestSpec: Sendable {
  public var name: String
  /// The rule set folder, relative to the test file's folder ("." by default).
  public var rules: String = "."
  public var asOf: CivilDate
  public var since: CivilDate?
  /// A data folder whose files are used (relative to the test file's folder), before the inline tables.
  public var dataFolder: String?
  /// Inline tables: file name and CSV text.
  public var tables: [(name: String, text: String)] = []
  public var expectations: [(line: Int, expectation: RuleExpectation)] = []
  /// The file's lines other than its expectations (kept by `--update`, in order).
  public var preamble: [String] = []
}

/// One expectation.
public enum RuleExpectation: Sendable, Equatable {
  case invoiceCount(Int)
  case reminderCount(Int)
  case invoiceTotal(key: String, amount: Fixed, currency: Currency)
  case invoiceLine(key: String, description: String, amount: Fixed)
  case noInvoice(key: String)
  case reminder(key: String)
  case reminderAction(key: String, kind: String, amount: Fixed)
  case noReminder(key: String)
  case total(currency: Currency, amount: Fixed)
  /// Cash application: how many payments were matched or held; what became of one (and its queue); what it applied to an invoice.
  case matchCount(Int)
  case matchStatus(payment: String, status: String, queue: String?)
  case matchApplied(payment: String, invoice: String, amount: Fixed)

  /// A key as written: quoted when it holds spaces or quotes.
  static func key(_ k: String) -> String { k.contains(where: { $0 == " " || $0 == "\t" || $0 == "\"" }) ? RuleTestSpec.quote(k) : k }

  /// The expectation as written in a test file.
  public var text: String {
    let key = RuleExpectation.key
    return switch self {
    case .invoiceCount(let n): "expect invoices \(n)"
    case .reminderCount(let n): "expect reminders \(n)"
    case .invoiceTotal(let k, let a, let c): "expect invoice \(key(k)) total \(a.formatted(places: c.minorUnits)) \(c.code)"
    case .invoiceLine(let k, let d, let a): "expect invoice \(key(k)) line \(RuleTestSpec.quote(d)) \(a.formatted(places: max(2, a.significantFractionDigits)))"
    case .noInvoice(let k): "expect no invoice \(key(k))"
    case .reminder(let k): "expect reminder \(key(k))"
    case .reminderAction(let k, let kind, let a): "expect reminder \(key(k)) action \(RuleTestSpec.quote(kind)) \(a.formatted(places: max(2, a.significantFractionDigits)))"
    case .noReminder(let k): "expect no reminder \(key(k))"
    case .total(let c, let a): "expect total \(a.formatted(places: c.minorUnits)) \(c.code)"
    case .matchCount(let n): "expect matches \(n)"
    case .matchStatus(let p, let st, let q): "expect match \(key(p)) \(st)" + (q.map { " queue \(RuleTestSpec.quote($0))" } ?? "")
    case .matchApplied(let p, let i, let a): "expect match \(key(p)) invoice \(key(i)) applied \(a.formatted(places: max(2, a.significantFractionDigits)))"
    }
  }

  /// Nil when the run meets it, else what it produced instead.
  public func failure(_ b: BillingResult, _ c: CollectionsResult?, _ m: CashResult? = nil) -> String? {
    let reminders = c?.reminders ?? []
    let matches = m?.applications ?? []
    func money(_ v: Fixed, _ cur: Currency) -> String { Money(amount: v, currency: cur).formatted(grouping: false) }
    switch self {
    case .invoiceCount(let n):
      return b.invoices.count == n ? nil : "\(b.invoices.count) invoices: \(b.invoices.prefix(10).map(\.key).joined(separator: ", "))"
    case .reminderCount(let n):
      return reminders.count == n ? nil : "\(reminders.count) reminders: \(reminders.prefix(10).map(\.key).joined(separator: ", "))"
    case .invoiceTotal(let k, let a, let cur):
      guard let inv = b.invoices.first(where: { $0.key == k }) else { return "no invoice \(k)" }
      return inv.total == a && inv.currency == cur ? nil : "total \(money(inv.total, inv.currency))"
    case .invoiceLine(let k, let d, let a):
      guard let inv = b.invoices.first(where: { $0.key == k }) else { return "no invoice \(k)" }
      // Several lines may share a description (two unlabeled discounts): one of them must have the amount.
      let same = inv.lines.filter { $0.description == d }
      guard !same.isEmpty else {
        return "no such line; its lines: " + inv.lines.map { "\(RuleTestSpec.quote($0.description)) \($0.amount)" }.joined(separator: ", ")
      }
      return same.contains { $0.amount == a } ? nil : "line amount \(same.map(\.amount.description).joined(separator: " or "))"
    case .noInvoice(let k):
      return b.invoices.contains { $0.key == k } ? "invoice \(k) was produced" : nil
    case .reminder(let k):
      return reminders.contains { $0.key == k } ? nil : "no reminder \(k); reminders: \(reminders.prefix(10).map(\.key).joined(separator: ", "))"
    case .reminderAction(let k, let kind, let a):
      guard let r = reminders.first(where: { $0.key == k }) else { return "no reminder \(k)" }
      guard let act = r.actions.first(where: { $0.kind == kind }) else {
        return "no \(kind) action; its actions: " + r.actions.map(\.kind).joined(separator: ", ")
      }
      return act.amount == a ? nil : "\(kind) \(act.amount.map { $0.description } ?? "without an amount")"
    case .noReminder(let k):
      return reminders.contains { $0.key == k } ? "reminder \(k) was produced" : nil
    case .total(let cur, let a):
      let sum = b.invoices.filter { $0.currency == cur }.reduce(Fixed.zero) { $0.adding($1.total) ?? $0 }
      return sum == a ? nil : "total \(money(sum, cur))"
    case .matchCount(let n):
      return matches.count == n ? nil : "\(matches.count) matches: \(matches.prefix(10).map(\.paymentID).joined(separator: ", "))"
    case .matchStatus(let p, let st, let q):
      guard let a = matches.first(where: { $0.paymentID == p }) else { return "no match of payment \(p)" }
      if a.status.rawValue != st || (q != nil && a.queue != q) {
        return a.status.rawValue + (a.queue.map { " queue \(RuleTestSpec.quote($0))" } ?? "") + (a.reason.map { ": \($0)" } ?? "")
      }
      return nil
    case .matchApplied(let p, let i, let amount):
      guard let a = matches.first(where: { $0.paymentID == p }) else { return "no match of payment \(p)" }
      guard let al = a.allocations.first(where: { $0.invoice == i || $0.number == i }) else {
        return "nothing applied to \(i); applied: " + a.allocations.map { "\($0.invoice) \($0.amount)" }.joined(separator: ", ")
      }
      return al.amount == amount ? nil : "applied \(al.amount)"
    }
  }
}

/// A test file that cannot be read.
public struct RuleTestError: Error, Sendable {
  public var line: Int
  public var message: String
}

extension RuleTestSpec {
  static func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }

  /// Every expectation the run meets in full: counts, totals and lines of every invoice, every reminder and its
  /// actions with amounts (what `accrue test --update` writes; trim it to what matters).
  public static func snapshot(_ b: BillingResult, _ c: CollectionsResult?, _ m: CashResult? = nil) -> [RuleExpectation] {
    var out: [RuleExpectation] = [.invoiceCount(b.invoices.count)]
    for inv in b.invoices {
      out.append(.invoiceTotal(key: inv.key, amount: inv.total, currency: inv.currency))
      for l in inv.lines { out.append(.invoiceLine(key: inv.key, description: l.description, amount: l.amount)) }
    }
    let reminders = c?.reminders ?? []
    out.append(.reminderCount(reminders.count))
    for r in reminders {
      out.append(.reminder(key: r.key))
      for a in r.actions { if let amount = a.amount { out.append(.reminderAction(key: r.key, kind: a.kind, amount: amount)) } }
    }
    if let m {
      out.append(.matchCount(m.applications.count))
      for a in m.applications {
        out.append(.matchStatus(payment: a.paymentID, status: a.status.rawValue, queue: a.queue))
        for al in a.allocations { out.append(.matchApplied(payment: a.paymentID, invoice: al.invoice, amount: al.amount)) }
      }
    }
    return out
  }

  /// Reads a test file.
  public static func parse(_ text: String) -> Result<RuleTestSpec, RuleTestError> {
    var spec = RuleTestSpec(name: "", asOf: CivilDate(dayNumber: 0))
    var sawAsOf = false
    let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
    var i = 0
    func fail(_ msg: String) -> Result<RuleTestSpec, RuleTestError> { .failure(RuleTestError(line: i + 1, message: msg)) }
    while i < lines.count {
      let line = lines[i]
      let t = line.trimmingLeadingSpaces()
      if !t.hasPrefix("expect ") { spec.preamble.append(line) }
      if t.isEmpty || t.hasPrefix("#") {
        i += 1
        continue
      }
      var words = Words(t)
      switch words.next() {
      case "test":
        guard let n = words.quoted() else { return fail("write the test's name in quotes: test \"Team seats\"") }
        spec.name = n
      case "rules":
        spec.rules = words.rest
      case "as":
        guard words.next() == "of", let d = words.next().flatMap(CivilDate.parse) else { return fail("write: as of YYYY-MM-DD") }
        spec.asOf = d
        sawAsOf = true
      case "since":
        guard let d = words.next().flatMap(CivilDate.parse) else { return fail("write: since YYYY-MM-DD") }
        spec.since = d
      case "data":
        if words.peek() == "folder" {
          _ = words.next()
          spec.dataFolder = words.rest
        } else {
          guard let name = words.next(), name.hasSuffix(".csv") || name.hasSuffix(".json") || name.hasSuffix(".jsonl"),
            !name.contains("/"), !name.contains("\\"), !name.hasPrefix(".")
          else {
            return fail("write: data customers.csv, then the table's lines, ended by a blank line (or: data folder PATH)")
          }
          var body: [String] = []
          i += 1
          // The table ends at a blank line (or where the expectations start).
          while i < lines.count, !lines[i].trimmingLeadingSpaces().isEmpty, !lines[i].trimmingLeadingSpaces().hasPrefix("expect ") {
            spec.preamble.append(lines[i])
            body.append(lines[i].trimmingLeadingSpaces())
            i += 1
          }
          spec.tables.append((name, body.joined(separator: "\n") + "\n"))
          continue
        }
      case "expect":
        switch parseExpectation(&words) {
        case .success(let e):
          if let extra = words.next() { return fail("unexpected '\(extra)' after the expectation") }
          spec.expectations.append((i + 1, e))
        case .failure(let e): return fail(e.message)
        }
      default:
        return fail("unknown statement '\(t.prefix(30))': expected test, rules, as of, since, data or expect")
      }
      i += 1
    }
    if spec.name.isEmpty { return .failure(RuleTestError(line: 1, message: "the file has no 'test \"name\"' line")) }
    if !sawAsOf { return .failure(RuleTestError(line: 1, message: "the test has no 'as of YYYY-MM-DD' line")) }
    while let last = spec.preamble.last, last.trimmingLeadingSpaces().isEmpty { spec.preamble.removeLast() }
    return .success(spec)
  }

  static func parseExpectation(_ w: inout Words) -> Result<RuleExpectation, ExpectationSyntax> {
    let forms = "expected one of: expect invoices N | expect reminders N | expect invoice KEY total AMOUNT CUR | "
      + "expect invoice KEY line \"TEXT\" AMOUNT | expect no invoice KEY | expect reminder KEY [action \"KIND\" AMOUNT] | "
      + "expect no reminder KEY | expect total AMOUNT CUR | expect matches N | expect match PAYMENT STATUS [queue \"NAME\"] | "
      + "expect match PAYMENT invoice INVOICE applied AMOUNT"
    func amount(_ s: String?) -> Fixed? { s.flatMap { Fixed.parse(Array($0.utf8)) } }
    let help = ExpectationSyntax(message: forms)
    switch w.next() {
    case "invoices":
      guard let n = w.next().flatMap(Int.init) else { return .failure(help) }
      return .success(.invoiceCount(n))
    case "reminders":
      guard let n = w.next().flatMap(Int.init) else { return .failure(help) }
      return .success(.reminderCount(n))
    case "no":
      let kind = w.next()
      guard let key = w.key() else { return .failure(help) }
      if kind == "invoice" { return .success(.noInvoice(key: key)) }
      if kind == "reminder" { return .success(.noReminder(key: key)) }
      return .failure(help)
    case "invoice":
      guard let key = w.key() else { return .failure(help) }
      switch w.next() {
      case "total":
        guard let a = amount(w.next()), let c = w.next().flatMap(Currency.lookup) else { return .failure(help) }
        return .success(.invoiceTotal(key: key, amount: a, currency: c))
      case "line":
        guard let d = w.quoted(), let a = amount(w.next()) else { return .failure(help) }
        return .success(.invoiceLine(key: key, description: d, amount: a))
      default: return .failure(help)
      }
    case "reminder":
      guard let key = w.key() else { return .failure(help) }
      if w.peek() == nil { return .success(.reminder(key: key)) }
      guard w.next() == "action", let kind = w.quoted(), let a = amount(w.next()) else { return .failure(help) }
      return .success(.reminderAction(key: key, kind: kind, amount: a))
    case "total":
      guard let a = amount(w.next()), let c = w.next().flatMap(Currency.lookup) else { return .failure(help) }
      return .success(.total(currency: c, amount: a))
    case "matches":
      guard let n = w.next().flatMap(Int.init) else { return .failure(help) }
      return .success(.matchCount(n))
    case "match":
      guard let p = w.key(), let what = w.next() else { return .failure(help) }
      if what == "invoice" {
        guard let i = w.key(), w.next() == "applied", let a = amount(w.next()) else { return .failure(help) }
        return .success(.matchApplied(payment: p, invoice: i, amount: a))
      }
      guard ["applied", "suggested", "exception", "unapplied"].contains(what) else { return .failure(help) }
      if w.peek() == nil { return .success(.matchStatus(payment: p, status: what, queue: nil)) }
      guard w.next() == "queue", let q = w.quoted() else { return .failure(help) }
      return .success(.matchStatus(payment: p, status: what, queue: q))
    default:
      return .failure(help)
    }
  }
}

/// An `expect` line that does not read: the forms it may take.
struct ExpectationSyntax: Error {
  var message: String
}

/// Words of a line, with quoted strings (`\"` and `\\` escapes).
struct Words {
  var chars: [Character]
  var i = 0
  init(_ s: String) { chars = Array(s) }

  mutating func skip() { while i < chars.count, chars[i] == " " || chars[i] == "\t" { i += 1 } }

  mutating func peek() -> String? {
    let save = i
    defer { i = save }
    return next()
  }

  mutating func next() -> String? {
    skip()
    guard i < chars.count else { return nil }
    let start = i
    while i < chars.count, chars[i] != " " && chars[i] != "\t" { i += 1 }
    return String(chars[start..<i])
  }

  /// A key: a word, or a quoted string when it holds spaces.
  mutating func key() -> String? {
    skip()
    return i < chars.count && chars[i] == "\"" ? quoted() : next()
  }

  mutating func quoted() -> String? {
    skip()
    guard i < chars.count, chars[i] == "\"" else { return nil }
    i += 1
    var out = ""
    while i < chars.count {
      let c = chars[i]
      if c == "\\", i + 1 < chars.count {
        out.append(chars[i + 1])
        i += 2
        continue
      }
      if c == "\"" {
        i += 1
        return out
      }
      out.append(c)
      i += 1
    }
    return nil
  }

  /// The rest of the line, trimmed (a path).
  var rest: String {
    mutating get {
      skip()
      var s = String(chars[i...])
      while s.last == " " || s.last == "\t" { s.removeLast() }
      i = chars.count
      return s
    }
  }
}

extension String {
  fileprivate func trimmingLeadingSpaces() -> String { String(drop { $0 == " " || $0 == "\t" }) }
  fileprivate func trimmingTrailingCR() -> String { hasSuffix("\r") ? String(dropLast()) : self }
}
