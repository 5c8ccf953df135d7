/// Words the parser recognises. All are contextual (usable as field names) except `Keyword.reserved`.
/// The raw value is the word's symbol id: the interner interns these first, in this order,
/// so checking a token for a keyword is an integer comparison.
public enum Keyword: Int32, CaseIterable, Sendable {
  // Expressions (reserved)
  case and = 0, or, not, `if`, then, `else`, `true`, `false`, `in`, between, matches, of
  // Top level
  case include, currency, rounding, month, end, clamp, roll, over, `let`, define, field, calendar
  case metric, plan, cadence, match
  // Calendars and metrics
  case weekend, holiday, event, sum, count, unique, max, latest, `where`
  // Plans and charges
  case period, bill, advance, arrears, align, to, at, anniversary, trial, phase, `for`, charge, flat
  case once, per, unit, units, quantity, usage, tiers, graduated, volume, package, plus, above, free
  case percentage, transaction, minimum, maximum, commitment, prorate, by, none, discount, periods
  case until, forever, on, tax, exclusive, inclusive, payment, terms, due, receipt, net, day, next
  case installments, early, within, late, fee, interest, year
  case monthly, weekly, quarterly, semiannual, annual, every
  // Cadences and steps
  case applies, when, one, reminder, customer, gap, pause, dispute, promise, pay, credit, hold, step
  case before, after, send, email, letter, sms, cc, task, queue, role, escalate, suspend, service
  case propose, write, off, hand, agency, create
  // Match rules
  case payer, reference, account, name, candidates, open, invoices, look, back, same, any
  case allocate, exact, single, oldest, first, subset, up, tolerance, underpayment, overpayment
  case beyond, exception, reason, confidence, auto, suggest, pattern, remittance, no, leave
  case unapplied
  // Rounding modes
  case half, even, down, ceiling, floor
  // Units and types
  case days, business, week, weeks, months, years, number, money, percent, date, text, bool
  case monday, tuesday, wednesday, thursday, friday, saturday, sunday
  case actual, last
  // Conventions (stated choices)
  case tier, always, used, zero, issued, skipped, new, cycle, prorated
  // The receivables ledger: numbering, fee billing, account credit
  case debit, notes, fees, billed, `as`, invoice, applied, held
  // Statement formats: a CSV statement's columns (grammar.md §8.1)
  case statement, format, files, delimiter, skip, line, lines, value, amount, decimal, thousands, id, bank
  case counterparty
  // Payment processors: where their exports carry the invoice number, when payouts reach the bank (§8.2)
  case processor, from, metadata, payouts, reach, the
  // Approval rules: roles, subjects, chains and escalations (grammar.md §11)
  case approval, approve, offs, plans
  // Posting to the general ledger: blocks, dimensions and the events of the posting matrix (grammar.md §12)
  case posting, dimension, entity, with, cash, written, included
  // Cancellation policies: what a contract cancelled inside a period is billed and credited (grammar.md §6.6)
  case cancellation, immediately, without
  // Service credits: a credit for a period whose service level fell short (grammar.md §6.7)
  case below
  // Milestone billing: a charge billed when a milestone of the data is reached (grammar.md §6.3)
  case milestone
  // Posting people's decisions, processors' payouts and revenue recognition (grammar.md §12, §13)
  case refund, note, deferred, revenue, recognize, ratably, daily, point, time, delivered, recognized
  // Contract terms: length, renewal, notice and a commitment over the term (grammar.md §6.8)
  case term, renew, automatically, never, notice, pro, rata
  // Capacity tiers: several measured units pick one tier together (grammar.md §6.9)
  case capacity
  // Time-weighted usage: a metric's 'weighted sum of' (grammar.md §6.1)
  case weighted
  // Progressive billing: 'bill early when usage reaches 1000.00 USD' (grammar.md §6.10)
  case reaches
  // Plan changes: when an upgrade or a downgrade takes effect (grammar.md §6.11)
  case upgrade, downgrade, proration

  /// The word as written in rule files.
  public var spelling: String { Keyword.spellings[Int(rawValue)] }

  /// Spellings by raw value: the words of the cases above, in their order (`KeywordTests` checks them against
  /// `String(describing:)`, which would take 5 million instructions of reflection at every start).
  static let spellings: [String] = {
    let words = """
      and or not if then else true false in between matches of include currency rounding month end clamp
      roll over let define field calendar metric plan cadence match weekend holiday event sum count unique
      max latest where period bill advance arrears align to at anniversary trial phase for charge flat
      once per unit units quantity usage tiers graduated volume package plus above free percentage
      transaction minimum maximum commitment prorate by none discount periods until forever on tax
      exclusive inclusive payment terms due receipt net day next installments early within late fee
      interest year monthly weekly quarterly semiannual annual every applies when one reminder customer
      gap pause dispute promise pay credit hold step before after send email letter sms cc task queue role
      escalate suspend service propose write off hand agency create payer reference account name
      candidates open invoices look back same any allocate exact single oldest first subset up tolerance
      underpayment overpayment beyond exception reason confidence auto suggest pattern remittance no leave
      unapplied half even down ceiling floor days business week weeks months years number money percent
      date text bool monday tuesday wednesday thursday friday saturday sunday actual last tier always used
      zero issued skipped new cycle prorated debit notes fees billed as invoice applied held statement
      format files delimiter skip line lines value amount decimal thousands id bank counterparty processor
      from metadata payouts reach the approval approve offs plans posting dimension entity with cash
      written included cancellation immediately without below milestone refund note deferred revenue
      recognize ratably daily point time delivered recognized term renew automatically never notice pro
      rata capacity weighted reaches upgrade downgrade proration
      """
    return words.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
  }()

  /// The cases by raw value (the raw values are 0, 1, 2, ... in case order): an array read, where
  /// `init(rawValue:)` of 266 cases is a search.
  static let byRaw: [Keyword] = allCases

  /// Whether this word is in `reserved` (they are the first twelve: one comparison, no hashing).
  @inline(__always) public var isReserved: Bool { rawValue <= Keyword.of.rawValue }

  /// Words that can never be names (they would make expressions ambiguous).
  public static let reserved: Set<Keyword> = [
    .and, .or, .not, .if, .then, .else, .true, .false, .in, .between, .matches, .of,
  ]
}
