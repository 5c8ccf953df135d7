import AccrueCore
import AccrueModel

/// A run's checksum, recorded with it and checked whenever the ledger is read: SQLite keeps its pages whole
/// through crashes, but nothing tells it a byte changed on disk or by hand. The checksum (CRC-32) covers what
/// later runs rely on: the run (number, date, folder), its items (kind, key, date, customer; a reminder's
/// cadence, step, contact and invoices; a payment's rule, status, amount, rests and settlements) and its
/// documents (key, number, kind, customer, contract, currency, dates, total), a decision's fields, the approval
/// requests it recorded and what its decision did to one, each field fed with its length so that no two different
/// runs read the same.
enum LedgerChecksum {
  static func of(
    run: Int, asOf: CivilDate, folder: String, items: [JournalItem], documents: [LedgerInvoice], decision: Decision? = nil,
    approvals: [ApprovalRequest] = [], act: ApprovalAct? = nil, hold: CollectionHold? = nil,
    creditNotes: [CreditNote] = [], entries: [JournalEntry] = []
  ) -> String {
    var c = Running()
    c.add(run)
    c.add(asOf)
    c.add(folder)
    if let h = hold {
      for f in [h.kind.rawValue, h.customer, h.invoice, h.amount.map { "\($0.amount) \($0.currency.code)" } ?? "", h.start?.description ?? "",
                h.end?.description ?? "", h.state, h.planID] { c.add(f) }
    }
    // (Credit notes, schema version 8: fed only when there are some; a cancellation's rule, version 9, only when given.)
    for n in creditNotes {
      for f in [n.key, n.number, n.invoice, n.customer, n.currency.code, n.reason, n.scope ?? ""] { c.add(f) }
      c.add(n.issueDate)
      for f in [n.net, n.tax, n.total, n.settled, n.credit] { c.add(f) }
      c.add(n.sequence ?? 0)
      if !n.rule.isEmpty { c.add(n.rule) }
      if let l = n.line { c.add("line \(l)") }
    }
    // (A decision, a refund and a superseded posting are fed only when there is one: earlier runs keep their sums.)
    if let d = decision {
      for f in [d.kind.rawValue, d.subject, d.by, d.note, d.summary, d.customer, d.askedBy] { c.add(f) }
      if let q = d.request { c.add(q) }
    }
    for i in items {
      c.add(i.kind.rawValue)
      c.add(i.key)
      c.add(i.date)
      c.add(i.customer)
      switch i {
      case .invoice: break
      case .reminder(let r):
        c.add(r.cadence)
        c.add(r.step)
        c.add(r.contacted ? 1 : 0)
        c.add(r.invoices.count)
        for id in r.invoices { c.add(id) }
      case .cashApplication(let p):
        c.add(p.rule)
        c.add(p.status?.rawValue ?? "")
        c.add(p.amount.map { "\($0.amount) \($0.currency.code)" } ?? "")
        c.add(p.credit)
        c.add(p.overpaymentWrittenOff)
        c.add(p.unapplied)
        c.add(p.settlements.count)
        for s in p.settlements {
          c.add(s.invoice)
          c.add(s.settled)
          c.add(s.paidBefore)
          c.add(s.writtenOff)
          c.add(s.discount)
        }
        // (Fed only when there is one: a run recorded before version 2 has none and keeps its checksum.)
        if let t = p.trace { for f in [t.endToEndID, t.mandateID, t.bankReference, t.payerAccount] { c.add(f) } }
        if p.refunded != .zero { c.add(p.refunded) }
        if let old = p.supersedes { c.add(old) }
        if !(p.queue.isEmpty && p.reason.isEmpty && p.candidates.isEmpty) {
          for f in [p.queue, p.reason] + p.candidates { c.add(f) }
        }
        // (Version 13; fed only when it holds, so earlier runs keep their checksums.)
        if p.holdsDunning { c.add("holds dunning") }
      case .payout(let p):
        for f in [p.payout, p.processor, "\(p.net.amount) \(p.net.currency.code)", "\(p.charges)", "\(p.refunds)", "\(p.fees)", p.source] { c.add(f) }
        // Its credit when it is not its key (schema version 3; a version 2 row was keyed by its credit).
        if p.credit != p.key { c.add(p.credit) }
      case .paymentReturn(let r):
        for f in [r.original, "\(r.amount.amount) \(r.amount.currency.code)", r.reason, r.source] { c.add(f) }
        c.add(r.reversed ? 1 : 0)
      }
    }
    for i in UTF8Order.sortedIndices(count: documents.count, key: { documents[$0].key }) {
      let d = documents[i]
      for f in [d.key, d.number ?? "", d.kind.rawValue, d.customer, d.contract, d.currency.code] { c.add(f) }
      c.add(d.issueDate)
      c.add(d.dueDate)
      c.add(d.total)
    }
    approvalsFed(&c, approvals, act)
    entriesFed(&c, entries)
    return CRC32.hex(c.value)
  }

  /// Feeds a run's journal entries (schema version 9: only when there are some, so earlier runs keep their sums).
  static func entriesFed(_ c: inout Running, _ entries: [JournalEntry]) {
    for e in entries {
      for f in [e.event, e.document ?? "", e.entity, e.currency.code, e.customer ?? ""] { c.add(f) }
      c.add(e.date)
      c.add(e.lines.count)
      for l in e.lines {
        for f in [l.account, l.memo, l.rule.description, l.obligation ?? ""] { c.add(f) }
        c.add(l.isDebit ? 1 : 0)
        c.add(l.amount)
        c.add(l.dimensions.count)
        for d in l.dimensions {
          c.add(d.name)
          c.add(d.value)
        }
      }
    }
  }

  /// Feeds a run's approval requests and what its decision did to one (schema version 5).
  static func approvalsFed(_ c: inout Running, _ approvals: [ApprovalRequest], _ act: ApprovalAct?) {
    // (Approval requests and acts, schema version 5: fed only when there are some.)
    for q in approvals.sorted(by: { $0.key.utf8Precedes($1.key) }) {
      for f in [q.key, q.document, q.kind.rawValue, q.customer, q.currency.code, q.fingerprint, q.supersedes ?? ""] { c.add(f) }
      c.add(q.total)
      c.add(q.issueDate)
      c.add(q.routes.count)
      for x in q.routes {
        for f in [x.rule, x.label, x.source, x.escalatesTo ?? "", x.escalatesOn?.description ?? ""] { c.add(f) }
        c.add(x.chain.count)
        for role in x.chain { c.add(role) }
      }
    }
    if let act {
      c.add(act.request)
      c.add(act.role)
      c.add(act.steps.count)
      for s in act.steps.sorted(by: { $0.rule.utf8Precedes($1.rule) }) {
        c.add(s.rule)
        c.add(s.step)
        c.add(s.nextEscalatesOn?.description ?? "")
      }
    }
  }

  /// A CRC-32 fed field by field, without building the text it covers.
  struct Running {
    private var crc: UInt32 = 0xFFFF_FFFF

    var value: UInt32 { crc ^ 0xFFFF_FFFF }

    mutating func byte(_ b: UInt8) { crc = CRC32.table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }

    mutating func add(_ n: Int) {
      var v = UInt64(bitPattern: Int64(n))
      for _ in 0..<8 {
        byte(UInt8(v & 0xFF))
        v >>= 8
      }
    }

    mutating func add(_ s: String) {
      s.withBytes { b in
        add(b.count)
        CRC32.table.withUnsafeBufferPointer { t in
          var c = crc
          for x in b { c = t[Int((c ^ UInt32(x)) & 0xFF)] ^ (c >> 8) }
          crc = c
        }
      }
    }

    mutating func add(_ d: CivilDate) { add(Int(d.dayNumber)) }

    mutating func add(_ f: Fixed) {
      var v = UInt128(bitPattern: f.raw)
      for _ in 0..<16 {
        byte(UInt8(v & 0xFF))
        v >>= 8
      }
    }
  }
}

extension PlannedInvoice {
  /// The document as the ledger reads it back.
  var ledgerInvoice: LedgerInvoice {
    LedgerInvoice(
      key: key, number: number, kind: kind, customer: customerID, contract: contractID, currency: currency, issueDate: issueDate,
      dueDate: dueDate, total: total, run: 0)
  }
}
