import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

extension Matcher {
  /// Whether an open invoice may be chosen by this rule (currency, look-back, not taken this run).
  func eligible(_ i: Int32, _ ctx: RuleContext) -> Bool {
    // Fields read one by one: copying the invoice would retain all its strings.
    guard open[Int(i)] > 0, !taken[Int(i)] else { return false }
    if data.invoices[Int(i)].currency != ctx.currency { return false }
    if let from = ctx.rule.r.lookBackStart(ctx.booking), data.invoices[Int(i)].issueDate < from {
      return false
    }
    return true
  }

  /// A reference written as an invoice's number (letters and digits alike) names that invoice, whatever other
  /// invoices its digits alone also fit (ST-2026-0001 and the debit note SD-2026-0001): those of `hits`, when some are.
  static func asWritten(_ r: String, _ hits: [Int32], _ invoices: [OpenInvoice]) -> [Int32] {
    let written = ReferenceKeys.firstKey(r)
    let exact = hits.filter { ReferenceKeys.firstKey(invoices[Int($0)].id) == written }
    return !exact.isEmpty && exact.count < hits.count ? exact : hits
  }

  /// The invoices the references name.
  func named(_ refs: [FoundRef], _ ctx: inout RuleContext, _ steps: inout [CashStep]) -> Decision? {
    var found: [Int32] = []
    var paidAlready: [Int32] = []
    var otherCurrency: [Int32] = []
    var heldFor: (invoice: Int32, payment: String)?
    // The invoices, at hand (closures below capture them, not the whole matcher).
    let invoices = data.invoices
    for ref in refs {
      let r = ref.text
      var hits = ref.invoices
      // (Filtered only when some would be dropped: a filter makes a new array.)
      if let p = ctx.payer, !ctx.rule.r.anyCustomer, hits.contains(where: { customerOf[Int($0)] != p }) {
        hits = hits.filter { customerOf[Int($0)] == p }
      }
      if hits.contains(where: { invoices[Int($0)].isCreditNote }) { hits = hits.filter { !invoices[Int($0)].isCreditNote } }
      if hits.count > 1 { hits = Self.asWritten(r, hits, invoices) }
      if hits.count > 1 {
        // The same reference for invoices of several customers: keep the payer's, else it names none for sure.
        if let p = ctx.payer { hits = hits.filter { customerOf[Int($0)] == p } }
        if Set(hits.map { customerOf[Int($0)] }).count > 1 {
          note(&steps, ctx.rule, .ambiguousReference(r, invoices: hits.prefix(5).map { name($0) }))
          continue
        }
        // One customer's invoices under one number (instalments): the one open for exactly the payment (the
        // earliest due), else all.
        hits.sort { Matcher.dueFirst(invoices, $0, $1) }
        for i in hits where open[Int(i)] == ctx.payment && eligible(i, ctx) {
          hits = [i]
          break
        }
      }
      for i in hits {
        if open[Int(i)] > 0, let holder = state.reservedBy[i] {
          if heldFor == nil { heldFor = (i, holder) }
        } else if open[Int(i)] == 0 || taken[Int(i)] {
          if !paidAlready.contains(i) { paidAlready.append(i) }
        } else if invoices[Int(i)].currency != ctx.currency {
          if !otherCurrency.contains(i) { otherCurrency.append(i) }
        } else if eligible(i, ctx), !found.contains(i) {
          found.append(i)
        }
      }
    }
    if found.isEmpty {
      if let i = otherCurrency.first, !ctx.rule.r.sameCurrency {
        let inv = data.invoices[Int(i)]
        return Decision(
          kind: .hold, invoices: [], strategy: .namedInReference(count: 0), excess: nil, queue: exceptionQueue(ctx.rule),
          reason: "currency mismatch: a \(ctx.currency.code) payment names \(name(i)), a \(inv.currency.code) invoice",
          suggestions: otherCurrency, reserve: true, customer: inv.customer, said: .otherCurrency(i))
      }
      if let (i, holder) = heldFor {
        // Held for another payment's review (a short payment): the two together may pay it; the analyst decides.
        return Decision(
          kind: .hold, invoices: [], strategy: .namedInReference(count: 0), excess: nil, queue: exceptionQueue(ctx.rule),
          reason: "\(name(i)) is held for review with payment \(holder): together they may pay it", suggestions: [i],
          customer: customerOf[Int(i)], said: .heldFor(i, payment: holder))
      }
      if let i = paidAlready.first {
        return Decision(
          kind: .hold, invoices: [], strategy: .namedInReference(count: 0), excess: nil, queue: "duplicates",
          reason: open[Int(i)] > 0
            ? "possible duplicate payment: \(name(i)) is taken by an earlier payment of this run"
            : "possible duplicate payment: \(name(i)) is already paid" + (taken[Int(i)] ? " by an earlier payment of this run" : ""),
          suggestions: paidAlready, customer: customerOf[Int(i)], said: .paid(i))
      }
      note(&steps, ctx.rule, .noOpenInvoiceNamed(references: refs.map(\.text)))
      return nil
    }
    if found.count > Matcher.maxNamed {
      return Decision(
        kind: .hold, invoices: [], strategy: .namedInReference(count: 0), excess: nil, queue: exceptionQueue(ctx.rule),
        reason: "the payment names \(found.count) open invoices; at most \(Matcher.maxNamed) are applied automatically",
        suggestions: Array(found.prefix(Matcher.maxNamed)), customer: customerOf[Int(found[0])], said: .tooMany)
    }
    if found.count > 1 { found.sort { Matcher.dueFirst(invoices, $0, $1) } }
    ctx.payer = ctx.payer ?? customerOf[Int(found[0])]
    return difference(found, strategy: .namedInReference(count: found.count), ctx)
  }

  /// The rule's allocation strategies, in order, over the payer's (or any customer's) open invoices.
  func select(_ ctx: inout RuleContext, _ steps: inout [CashStep]) -> Decision? {
    let rule = ctx.rule
    let (under, over) = (ctx.under, ctx.over)
    var list: [Int32] = []
    if let p = ctx.payer { for i in byCustomer[Int(p)] where eligible(i, ctx) { list.append(i) } }
    for s in rule.r.allocation {
      switch s {
      case .exactSingle:
        if rule.r.anyCustomer {
          // Any customer's invoices: only the exact amount, and only when one invoice has it.
          let hits = exactAmount(ctx)
          ctx.amountHits += hits
          if hits.count == 1 {
            ctx.payer = customerOf[Int(hits[0])]
            var d = difference(hits, strategy: .allocation(s), ctx)
            d.payerFoundBy = .amount
            return d
          }
          if hits.count > 1 { note(&steps, rule, .severalOfAmount) }
          continue
        }
        // The smallest difference wins, an invoice of exactly the amount before one settled with its early-payment
        // discount; `list` is oldest first, so the first of equal ranks wins.
        var best: (rank: (Int64, Int), invoice: Int32)?
        for i in list {
          let o = open[Int(i)]
          var d = ctx.payment - o
          var within = d == 0 || (d < 0 ? -d <= tolerance(under, total: o, ctx.currency, rule.r.rounding) : d <= tolerance(over, total: o, ctx.currency, rule.r.rounding))
          var discounted = 0
          // Within an early-payment discount period, the discounted amount (or anything up to the full one) matches.
          if d < 0, let disc = earlyDiscounts([i], ctx.booking)?[0] {
            let short = max(0, o - disc - ctx.payment)
            if short == 0 || short <= tolerance(under, total: o - disc, ctx.currency, rule.r.rounding) {
              within = true
              d = -short
              discounted = 1
            }
          }
          if within, best.map({ (abs(d), discounted) < $0.rank }) ?? true { best = ((abs(d), discounted), i) }
        }
        if let (_, i) = best { return difference([i], strategy: .allocation(s), ctx) }
      case .exactSubset(let n):
        if let set = subset(list, upTo: n, ctx) { return difference(set, strategy: .allocation(s), ctx) }
      case .oldestFirst:
        guard !list.isEmpty else { continue }
        var left = ctx.payment
        var chosen: [Int32] = []
        for i in list where left > 0 {
          chosen.append(i)
          left -= min(left, open[Int(i)])
        }
        return difference(chosen, strategy: .allocation(s), ctx, partialLast: true)
      }
    }
    return nil
  }

  /// Open invoices of any customer with exactly the payment's amount (and currency), the first `limit` of them.
  func exactAmount(_ ctx: RuleContext, limit: Int = 2) -> [Int32] {
    let key = (ctx.currency.packed, ctx.payment)
    var lo = 0
    var hi = byAmount.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if (byAmount[mid].currency, byAmount[mid].amount) < key { lo = mid + 1 } else { hi = mid }
    }
    var out: [Int32] = []
    let from = ctx.rule.r.lookBackStart(ctx.booking)
    while lo < byAmount.count, (byAmount[lo].currency, byAmount[lo].amount) == key, out.count < limit {
      let i = byAmount[lo].index
      if let from, data.invoices[Int(i)].issueDate < from { break }
      if eligible(i, ctx) { out.append(i) }
      lo += 1
    }
    return out
  }

  /// Most invoices one payment's references may name and have applied (their total stays far from overflow).
  static let maxNamed = 50

  /// Most candidates an exact subset search looks at (the oldest), and most combinations it tries.
  static let subsetCandidates = 40
  static let subsetSteps = 200_000

  /// The combination of 2...n invoices whose open total is closest to the payment within tolerance; ties go
  /// to the combination with the oldest invoices (their places in age order compared in order).
  func subset(_ all: [Int32], upTo n: Int, _ ctx: RuleContext) -> [Int32]? {
    let list = Array(all.prefix(Matcher.subsetCandidates))
    guard list.count >= 2 else { return nil }
    let (under, over) = (ctx.under, ctx.over)
    let (c, rounding) = (ctx.currency, ctx.rule.r.rounding)
    // A sum above the payment is a short payment (under tolerance), below it an overpayment. Coarse bounds
    // from the limits on twice the payment (a sum outside them cannot be within tolerance) spare computing
    // each sum's own tolerance.
    let hi = ctx.payment + tolerance(under, total: ctx.payment * 2, c, rounding)
    let lo = ctx.payment - tolerance(over, total: ctx.payment * 2, c, rounding)
    // Searched in increasing amount, so a sum too large ends the loop; `chosen` holds places in age order.
    // (A closure reading `self.open` would copy the whole matcher: the pointer is taken first.)
    let open = self.open
    let order = list.indices.sorted { open[Int(list[$0])] != open[Int(list[$1])] ? open[Int(list[$0])] < open[Int(list[$1])] : $0 < $1 }
    let amounts = order.map { open[Int(list[$0])] }
    var best: (diff: Int64, set: [Int])?
    var steps = 0
    var chosen: [Int] = []
    let (underMoney, overMoney) = (under.money[c] ?? 0, over.money[c] ?? 0)
    func consider(_ sum: Int64) {
      guard sum >= lo, sum <= hi else { return }
      let d = ctx.payment - sum
      let within = d == 0
        || (d < 0
          ? -d <= tolerance(under.percents, from: underMoney, total: sum, c, rounding)
          : d <= tolerance(over.percents, from: overMoney, total: sum, c, rounding))
      guard within else { return }
      let set = chosen.sorted()
      if let b = best, abs(d) > b.diff || (abs(d) == b.diff && !set.lexicographicallyPrecedes(b.set)) { return }
      best = (abs(d), set)
    }
    func search(_ start: Int, _ sum: Int64) {
      if chosen.count >= 2 { consider(sum) }
      guard chosen.count < n else { return }
      var k = start
      while k < amounts.count {
        steps += 1
        if steps > Matcher.subsetSteps { return }
        let s = sum + amounts[k]
        if s > hi { return }
        chosen.append(order[k])
        search(k + 1, s)
        chosen.removeLast()
        k += 1
      }
    }
    search(0, 0)
    return best.map { $0.set.map { list[$0] } }
  }
}
