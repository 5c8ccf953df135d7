import AccrueCore
import AccrueModel

/// Renders dunning reminders and their actions as text, JSON and CSV.
public enum ReminderRenderer {
  static func money(_ v: Fixed, _ c: Currency) -> String { InvoiceRenderer.money(v, c) }

  /// "12 reminders (9 actions)", or "no reminders".
  public static func summary(_ r: CollectionsResult) -> String {
    let n = r.reminders.count
    let a = r.reminders.reduce(0) { $0 + $1.actions.count }
    var s = n == 0 ? "no reminders" : "\(n) reminder\(n == 1 ? "" : "s") (\(a) action\(a == 1 ? "" : "s"))"
    let unreachable = r.reminders.reduce(0) { $0 + $1.actions.filter(\.noRecipient).count }
    if unreachable > 0 { s += ", \(unreachable) message\(unreachable == 1 ? "" : "s") without a recipient on file (tasks instead)" }
    let w = r.waitingForReview.count
    if w > 0 {
      s += "; \(w) invoice\(w == 1 ? "" : "s") not reminded while a payment waits for review (\(r.waitingForReview.prefix(3).joined(separator: ", "))\(w > 3 ? ", ..." : ""))"
    }
    return s
  }

  /// One reminder's block of text.
  public static func text(_ m: Reminder, explaining: Bool) -> String {
    var t = TextBuffer()
    write(m, explaining: explaining, into: &t)
    return t.string
  }

  /// Writes one reminder's block of text into `t` (a large run renders tens of thousands into a few buffers).
  static func write(_ m: Reminder, explaining: Bool, into t: inout TextBuffer) {
    t.put("\n+ reminder ")
    t.put(m.key)
    t.put("\n    customer ")
    t.put(m.customerID)
    t.put(" ")
    t.put(m.customerName)
    t.put(", cadence ")
    t.put(m.cadence)
    t.put(", step ")
    t.put(m.step)
    t.put(" \"")
    t.put(m.stepLabel)
    t.put("\"\n    ")
    t.put(CollectionsSentences.timing(m.timing))
    t.put(": fell on ")
    t.put(m.stepDate.description)
    if !m.skipped.isEmpty {
      t.put("; skipped (catch-up): ")
      t.put(m.skipped.joined(separator: ", "))
    }
    t.put("\n")
    writeInvoices(m, into: &t)
    writeMessages(m, into: &t)
    writeActions(m, explaining: explaining, into: &t)
    t.put("    rule ")
    t.put(m.rule.description)
    t.put("\n")
    if explaining {
      for e in m.explanation {
        t.put("    why: ")
        t.put(CollectionsSentences.sentence(e))
        t.put("\n")
      }
      t.put("    from data rows: " + m.sources.map(\.description).joined(separator: ", ") + "\n")
    }
  }

  /// The covered invoices, one a line, and the open balance.
  static func writeInvoices(_ m: Reminder, into t: inout TextBuffer) {
    // Invoices read field by field (a copy of each would retain its strings); day counts padded as written.
    for k in m.invoices.indices {
      t.put("    invoice ")
      t.pad(m.invoices[k].ref, 30, emptyNumberLeftOut: false)
      t.put(" due ")
      t.put(m.invoices[k].dueDate.description)
      t.put(" ")
      let d = m.invoices[k].daysOverdue
      if d == 0 {
        t.pad("(not yet overdue)", 22)
      } else {
        let start = t.count
        t.put("(")
        t.put(String(d))
        t.put(d == 1 ? " day overdue)" : " days overdue)")
        t.spaces(22 - (t.count - start))
      }
      t.lpad(money(m.invoices[k].balance, m.currency), 14)
      if m.invoices[k].disputed > .zero {
        t.put("  (")
        t.put(money(m.invoices[k].disputed, m.currency))
        t.put(" disputed, left out)")
      }
      t.put("\n")
    }
    t.put("    ")
    t.pad("open balance", 75)
    t.lpad(money(m.total, m.currency), 14)
    t.put(" ")
    t.put(m.currency.code)
    t.put("\n")
  }

  /// The messages the reminder sends, one a line.
  static func writeMessages(_ m: Reminder, into t: inout TextBuffer) {
    for msg in m.messages {
      t.put("    ")
      t.put(msg.channel.rawValue)
      t.put(" \"")
      t.put(msg.template)
      t.put("\"")
      if msg.to.isEmpty {
        t.put(msg.channel == .letter ? " by post" : " (no recipient on file)")
      } else {
        t.put(" to ")
        t.put(msg.to.joined(separator: ", "))
      }
      if !msg.cc.isEmpty {
        t.put(" cc ")
        t.put(msg.cc.joined(separator: ", "))
      }
      t.put("\n")
    }
  }

  /// The reminder's other actions, each with how its amount was computed when explaining.
  static func writeActions(_ m: Reminder, explaining: Bool, into t: inout TextBuffer) {
    for a in m.actions {
      t.put("    ")
      t.put(a.kind.rawValue)
      if a.detail != a.kind.rawValue {
        t.put(": ")
        t.put(a.detail)
      }
      t.put("\n")
      if explaining {
        for e in a.explanation {
          t.put("        ")
          t.put(CollectionsSentences.sentence(e))
          t.put("\n")
        }
      }
    }
  }

  /// The reminders section of `accrue plan`'s text.
  public static func writeText(_ r: CollectionsResult, explain: String?, _ emit: (String) -> Void) {
    let shown = explain.map { k in r.reminders.filter { $0.key == k } } ?? r.reminders
    if explain == nil || !shown.isEmpty {
      emit("\nCollections as of \(r.asOf): \(r.openInvoices) open invoice\(r.openInvoices == 1 ? "" : "s") looked at\n")
    }
    let explaining = explain != nil
    InvoiceRenderer.renderInOrder(shown.count, { write(shown[$0], explaining: explaining, into: &$1) }, emit)
  }

  /// `--why-not INVOICE`: the reasons, one per line.
  public static func whyNot(_ id: String, _ steps: [CollectionsStep]) -> String {
    if steps.isEmpty { return "invoice \(id): not found among the invoices\n" }
    return "why not \(id):\n" + steps.map { "  - \(CollectionsSentences.sentence($0))\n" }.joined()
  }

  /// One reminder as a JSON object (docs/data.md), written field by field.
  /// Amounts, dates and the explanations' sentences are written in place (`SentenceSink`), none made as a string.
  public static func write(_ m: Reminder, into w: inout JSONWriter) {
    var none: CoveredInvoiceText?
    write(m, into: &w, fixed: &none)
  }

  /// The same, with the fixed text of covered invoices kept from one reminder to the next (`writeJSONArray`).
  static func write(_ m: Reminder, into w: inout JSONWriter, fixed: inout CoveredInvoiceText?) {
    let c = m.currency
    w.open("{")
    w.field("key", m.key)
    w.field("date", date: m.date)
    w.field("customer", m.customerID)
    w.field("customer_name", m.customerName)
    w.field("cadence", m.cadence)
    w.field("step", m.step)
    w.field("step_label", m.stepLabel)
    w.field("timing", CollectionsSentences.timing(m.timing))
    w.field("step_date", date: m.stepDate)
    w.field("currency", c.code)
    w.field("open_balance", amount: m.total, places: c.minorUnits)
    writeInvoices(m, disputed: true, into: &w, fixed: &fixed)
    w.key("messages")
    w.open("[")
    for msg in m.messages {
      w.item()
      w.open("{")
      w.field("channel", msg.channel.rawValue)
      w.field("template", msg.template)
      w.strings("to", msg.to)
      w.strings("cc", msg.cc)
      w.close("}")
    }
    w.close("]")
    w.key("actions")
    w.open("[")
    for k in m.actions.indices {
      w.item()
      w.open("{")
      w.field("kind", m.actions[k].kind.rawValue)
      w.field("detail", m.actions[k].detail)
      w.field("amount", amount: m.actions[k].amount, places: c.minorUnits)
      w.field("no_recipient", m.actions[k].noRecipient)
      sentences("explanation", m.actions[k].explanation, into: &w)
      w.close("}")
    }
    w.close("]")
    w.strings("skipped_steps", m.skipped)
    w.place("rule", m.rule)
    sentences("explanation", m.explanation, into: &w)
    w.places("sources", m.sources)
    w.close("}")
  }

  /// `"key": [...]`: the steps' sentences, each written in place (no string made, no copy of a step).
  static func sentences(_ k: StaticString, _ steps: [CollectionsStep], into w: inout JSONWriter) {
    w.key(k)
    w.open("[")
    for j in steps.indices {
      w.item()
      w.openString()
      CollectionsSentences.write(steps[j], into: &w)
      w.closeString()
    }
    w.close("]")
  }

  /// `"invoices": [...]`, the invoices a reminder covers: id, number, due date, days overdue, balance, and when
  /// `disputed` (reminders.json; not the outbox's messages) the disputed amount left out. Read in place, by index
  /// (a copy of each would retain all its strings).
  static func writeInvoices(_ m: Reminder, disputed: Bool, into w: inout JSONWriter, fixed: inout CoveredInvoiceText?) {
    let places = m.currency.minorUnits
    w.key("invoices")
    w.open("[")
    if w.isPretty && !m.invoices.isEmpty {
      // The fixed text of an invoice's object made once for its indent: an invoice is that text with its values.
      if fixed?.depth != w.memberDepth { fixed = CoveredInvoiceText(depth: w.memberDepth) }
      let t = fixed!
      for k in m.invoices.indices {
        w.item()
        w.raw(t.piece(0))
        w.id(of: m.invoices[k].ref)
        w.raw(t.piece(1))
        w.number(of: m.invoices[k].ref)
        w.raw(t.piece(2))
        t.date(m.invoices[k].dueDate, into: &w)
        w.raw(t.piece(3))
        w.int(m.invoices[k].daysOverdue)
        w.raw(t.piece(4))
        w.amount(m.invoices[k].balance, places: places, grouping: false)
        if disputed {
          w.raw(t.piece(5))
          if m.invoices[k].disputed == .zero, let zero = t.zero(places: places) {
            w.raw(zero)
          } else {
            w.amount(m.invoices[k].disputed, places: places, grouping: false)
          }
        }
        w.raw(t.piece(6))
      }
      return w.close("]")
    }
    writeInvoiceFields(m, disputed: disputed, places: places, into: &w)
  }

  /// The covered invoices' objects, field by field, and the end of their array.
  static func writeInvoiceFields(_ m: Reminder, disputed: Bool, places: Int, into w: inout JSONWriter) {
    for k in m.invoices.indices {
      w.item()
      w.open("{")
      w.field("id", idOf: m.invoices[k].ref)
      w.field("number", numberOf: m.invoices[k].ref)
      w.field("due_date", date: m.invoices[k].dueDate)
      w.key("days_overdue")
      w.int(m.invoices[k].daysOverdue)
      w.field("balance", amount: m.invoices[k].balance, places: places)
      if disputed { w.field("disputed_left_out", amount: m.invoices[k].disputed, places: places) }
      w.close("}")
    }
    w.close("]")
  }

  /// The same, each invoice written field by field (the outbox's messages, one reminder each).
  static func writeInvoices(_ m: Reminder, disputed: Bool, into w: inout JSONWriter) {
    w.key("invoices")
    w.open("[")
    writeInvoiceFields(m, disputed: disputed, places: m.currency.minorUnits, into: &w)
  }

  /// Writes the reminders as a JSON array pretty at `indent` (a member of plan's document at 1, apply's file at 0), a chunk
  /// of reminders at a time (`JSON.writeArray(count:)`), so a large run never holds its reminders' whole JSON in memory.
  public static func writeJSONArray(
    _ list: [Reminder], indent: Int = 1, _ out: (String) -> Void, bytes: ((UnsafeBufferPointer<UInt8>) -> Void)? = nil
  ) {
    JSON.writeArray(
      count: list.count, indent: indent,
      { range, w in
        // Reminders passed from the buffer, in place (an array element passed on is copied first).
        list.withUnsafeBufferPointer { buf in
          var fixed: CoveredInvoiceText?
          for j in range {
            w.item()
            write(buf[j], into: &w, fixed: &fixed)
          }
        }
      }, out, bytes: bytes)
  }

  /// The header of the reminders CSV (no line end).
  public static let remindersHeader = "key,date,customer,cadence,step,step_date,invoices,currency,open_balance,channels,recipients,rule"
  /// The header of the actions CSV (no line end).
  public static let actionsHeader = "key,reminder,customer,kind,detail,currency,amount,rule"

  /// Reminders as CSV: one row per reminder.
  public static func remindersCSV(_ list: [Reminder]) -> String {
    var out = remindersHeader + "\r\n"
    remindersRows(list, into: &out)
    return out
  }

  /// The reminders' CSV rows, each starting with `lead` (cells already written as CSV, with their comma).
  public static func remindersRows(_ list: [Reminder], lead: String = "", into out: inout String) {
    for m in list {
      let cells = [
        m.key, m.date.description, m.customerID, m.cadence, m.step, m.stepDate.description, m.invoices.map(\.id).joined(separator: ";"),
        m.currency.code, InvoiceRenderer.plain(m.total, m.currency),
        m.messages.map { "\($0.channel.rawValue):\($0.template)" }.joined(separator: ";"),
        m.messages.flatMap { $0.to + $0.cc }.joined(separator: ";"), m.rule.description,
      ]
      out += lead + cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
    }
  }

  /// Actions as CSV: one row per action, keyed by its reminder and position.
  public static func actionsCSV(_ list: [Reminder]) -> String {
    var out = actionsHeader + "\r\n"
    actionsRows(list, into: &out)
    return out
  }

  /// The actions' CSV rows, each starting with `lead` (cells already written as CSV, with their comma).
  public static func actionsRows(_ list: [Reminder], lead: String = "", into out: inout String) {
    for m in list {
      for (i, a) in m.actions.enumerated() {
        let cells = [
          "\(m.key)#\(i + 1)", m.key, m.customerID, a.kind.rawValue, a.detail, m.currency.code,
          a.amount.map { InvoiceRenderer.plain($0, m.currency) } ?? "", m.rule.description,
        ]
        out += lead + cells.map(InvoiceRenderer.csvCell).joined(separator: ",") + "\r\n"
      }
    }
  }
}

/// Text built as UTF-8 bytes: appends without the cost of growing Strings piece by piece. Its own memory (an
/// array's generic append cost more than the copy for the short pieces written here); not copyable, so one buffer
/// has one owner, which frees it.
struct TextBuffer: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  /// Bytes written.
  private(set) var count = 0

  init(capacity: Int = 1024) {
    self.capacity = max(64, capacity)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  /// Room for `n` more bytes.
  @inline(__always) private mutating func reserve(_ n: Int) {
    if capacity - count < n { grow(n) }
  }

  private mutating func grow(_ n: Int) {
    var size = capacity * 2
    while size - count < n { size *= 2 }
    let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    bigger.initialize(from: base, count: count)
    base.deallocate()
    base = bigger
    capacity = size
  }

  mutating func put(_ b: UnsafeBufferPointer<UInt8>) {
    guard let p = b.baseAddress, !b.isEmpty else { return }
    reserve(b.count)
    (base + count).initialize(from: p, count: b.count)
    count += b.count
  }

  mutating func put(_ s: String) {
    s.withBytes { put($0) }
  }

  /// Up to `n` bytes written in place: `body` writes them at the pointer it is given and returns how many it wrote.
  @inline(__always) mutating func write(upTo n: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Int) {
    reserve(n)
    count += body(base + count)
  }

  /// Columns a string takes: its byte count when ASCII, else its characters.
  static func width(_ s: String) -> Int {
    let ascii = s.withBytes { b -> Int? in
      for c in b where c >= 0x80 { return nil }
      return b.count
    }
    return ascii ?? s.count
  }

  mutating func spaces(_ n: Int) {
    guard n > 0 else { return }
    reserve(n)
    (base + count).initialize(repeating: 32, count: n)
    count += n
  }

  /// An invoice's id, and its number in parentheses when it has another (an empty one too, unless
  /// `emptyNumberLeftOut`), then spaces up to `n` columns (an id held inline is written without making a string).
  mutating func pad(_ r: InvoiceRef, _ n: Int, emptyNumberLeftOut: Bool) {
    if r.numberIsID && !r.idText.isNone {
      r.idText.withBytes { put($0) }
      spaces(n - r.idText.count)
    } else if r.number == r.id || (emptyNumberLeftOut && r.number.isEmpty) {
      pad(r.id, n)
    } else {
      pad("\(r.id) (\(r.number))", n)
    }
  }

  /// `s` then spaces up to `n` columns.
  mutating func pad(_ s: String, _ n: Int) {
    put(s)
    spaces(n - TextBuffer.width(s))
  }

  /// Spaces, then `s` ending at column `n`.
  mutating func lpad(_ s: String, _ n: Int) {
    spaces(n - TextBuffer.width(s))
    put(s)
  }

  var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

  /// The bytes written so far.
  func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R { body(UnsafeBufferPointer(start: base, count: count)) }
}
