import AccrueChecker
import AccrueCore
import AccrueModel
import AccrueParser

// Plans and charges are read by every invoice billing computes: a copy of one of them (`let spec = plan.plans[i]`,
// a charge out of its array, passed on or returned) used to retain every string, array and closure it holds and
// release them again (a tenth of a run's instructions). Their fields (`PlanSpecFields`, `ChargeFields`, declared in
// Plan.swift) now live in one immutable box that copies share: a copy retains one object. Changing a field copies the
// fields into a new box first, so each value still behaves as a value (docs/PERFORMANCE.md). A field is read in
// place (`_read`): `spec.charges[k]` or `ch.pricing` read through the box copy nothing but what the caller keeps.

/// An executable plan (one `plan` block); its fields are `PlanSpecFields`.
public struct CompiledPlanSpec: Sendable {
  /// The fields, shared by every copy (immutable: a change makes a new box).
  final class Box: Sendable {
    let fields: PlanSpecFields
    init(_ fields: PlanSpecFields) { self.fields = fields }
  }

  private var box: Box

  init(_ fields: PlanSpecFields) { box = Box(fields) }

  /// Changes a field: the fields are copied into a box of this value's own (the other copies keep theirs).
  private mutating func change(_ body: (inout PlanSpecFields) -> Void) {
    var f = box.fields
    body(&f)
    box = Box(f)
  }

  public var name: String {
    _read { yield box.fields.name }
    set { change { $0.name = newValue } }
  }
  public var label: String {
    _read { yield box.fields.label }
    set { change { $0.label = newValue } }
  }
  public var currency: Currency {
    _read { yield box.fields.currency }
    set { change { $0.currency = newValue } }
  }
  public var period: PeriodSpec {
    _read { yield box.fields.period }
    set { change { $0.period = newValue } }
  }
  public var timing: BillTiming {
    _read { yield box.fields.timing }
    set { change { $0.timing = newValue } }
  }
  public var alignment: Alignment {
    _read { yield box.fields.alignment }
    set { change { $0.alignment = newValue } }
  }
  public var trial: CExpr? {
    _read { yield box.fields.trial }
    set { change { $0.trial = newValue } }
  }
  public var trialStartsCycle: Bool {
    _read { yield box.fields.trialStartsCycle }
    set { change { $0.trialStartsCycle = newValue } }
  }
  public var cancellation: (policy: CancellationPolicy, source: RuleRef)? {
    _read { yield box.fields.cancellation }
    set { change { $0.cancellation = newValue } }
  }
  public var upgrade: (timing: PlanChangeTiming, source: RuleRef)? {
    _read { yield box.fields.upgrade }
    set { change { $0.upgrade = newValue } }
  }
  public var downgrade: (timing: PlanChangeTiming, source: RuleRef)? {
    _read { yield box.fields.downgrade }
    set { change { $0.downgrade = newValue } }
  }
  public var phases: [CompiledPhase] {
    _read { yield box.fields.phases }
    set { change { $0.phases = newValue } }
  }
  public var charges: [CompiledCharge] {
    _read { yield box.fields.charges }
    set { change { $0.charges = newValue } }
  }
  public var discounts: [CompiledDiscount] {
    _read { yield box.fields.discounts }
    set { change { $0.discounts = newValue } }
  }
  public var minimum: CExpr? {
    _read { yield box.fields.minimum }
    set { change { $0.minimum = newValue } }
  }
  public var minimumSource: RuleRef? {
    _read { yield box.fields.minimumSource }
    set { change { $0.minimumSource = newValue } }
  }
  public var taxes: [CompiledTax] {
    _read { yield box.fields.taxes }
    set { change { $0.taxes = newValue } }
  }
  public var terms: CompiledTerms {
    _read { yield box.fields.terms }
    set { change { $0.terms = newValue } }
  }
  public var earlyDiscount: (rate: CExpr, within: CExpr)? {
    _read { yield box.fields.earlyDiscount }
    set { change { $0.earlyDiscount = newValue } }
  }
  public var conditionalTerms: [(condition: CExpr, terms: CompiledTerms, source: RuleRef)] {
    _read { yield box.fields.conditionalTerms }
    set { change { $0.conditionalTerms = newValue } }
  }
  public var conditionalEarlyDiscounts: [(condition: CExpr, rate: CExpr, within: CExpr, source: RuleRef)] {
    _read { yield box.fields.conditionalEarlyDiscounts }
    set { change { $0.conditionalEarlyDiscounts = newValue } }
  }
  public var termsSource: RuleRef? {
    _read { yield box.fields.termsSource }
    set { change { $0.termsSource = newValue } }
  }
  public var earlyDiscountSource: RuleRef? {
    _read { yield box.fields.earlyDiscountSource }
    set { change { $0.earlyDiscountSource = newValue } }
  }
  public var lateFee: (fixed: CExpr?, percent: CExpr?)? {
    _read { yield box.fields.lateFee }
    set { change { $0.lateFee = newValue } }
  }
  public var interest: (rate: CExpr, per: InterestPeriod, dayCount: DayCount)? {
    _read { yield box.fields.interest }
    set { change { $0.interest = newValue } }
  }
  public var rounding: RoundingMode {
    _read { yield box.fields.rounding }
    set { change { $0.rounding = newValue } }
  }
  public var monthEnd: MonthEndRule {
    _read { yield box.fields.monthEnd }
    set { change { $0.monthEnd = newValue } }
  }
  public var source: RuleRef {
    _read { yield box.fields.source }
    set { change { $0.source = newValue } }
  }
  public var firstTierFeeAlways: Bool {
    _read { yield box.fields.firstTierFeeAlways }
    set { change { $0.firstTierFeeAlways = newValue } }
  }
  public var zeroInvoicesIssued: Bool {
    _read { yield box.fields.zeroInvoicesIssued }
    set { change { $0.zeroInvoicesIssued = newValue } }
  }
  public var priceBook: [Currency] {
    _read { yield box.fields.priceBook }
    set { change { $0.priceBook = newValue } }
  }
  public var copyOf: Int? {
    _read { yield box.fields.copyOf }
    set { change { $0.copyOf = newValue } }
  }
  public var serviceCredits: [CompiledServiceCredit] {
    _read { yield box.fields.serviceCredits }
    set { change { $0.serviceCredits = newValue } }
  }
  public var contractTerm: CompiledContractTerm? {
    _read { yield box.fields.contractTerm }
    set { change { $0.contractTerm = newValue } }
  }
  public var thresholds: [CompiledThreshold] {
    _read { yield box.fields.thresholds }
    set { change { $0.thresholds = newValue } }
  }
}

/// A compiled charge; its fields are `ChargeFields`.
public struct CompiledCharge: Sendable {
  /// The fields, shared by every copy (immutable: a change makes a new box).
  final class Box: Sendable {
    let fields: ChargeFields
    init(_ fields: ChargeFields) { self.fields = fields }
  }

  private var box: Box

  init(_ fields: ChargeFields) { box = Box(fields) }

  /// Changes a field: the fields are copied into a box of this value's own (the other copies keep theirs).
  private mutating func change(_ body: (inout ChargeFields) -> Void) {
    var f = box.fields
    body(&f)
    box = Box(f)
  }

  public var name: String {
    _read { yield box.fields.name }
    set { change { $0.name = newValue } }
  }
  public var label: String {
    _read { yield box.fields.label }
    set { change { $0.label = newValue } }
  }
  public var pricing: CompiledPricing? {
    _read { yield box.fields.pricing }
    set { change { $0.pricing = newValue } }
  }
  public var quantity: QuantitySource {
    _read { yield box.fields.quantity }
    set { change { $0.quantity = newValue } }
  }
  public var free: CExpr? {
    _read { yield box.fields.free }
    set { change { $0.free = newValue } }
  }
  public var freeAmount: CExpr? {
    _read { yield box.fields.freeAmount }
    set { change { $0.freeAmount = newValue } }
  }
  public var timing: BillTiming {
    _read { yield box.fields.timing }
    set { change { $0.timing = newValue } }
  }
  public var prorate: Bool {
    _read { yield box.fields.prorate }
    set { change { $0.prorate = newValue } }
  }
  public var discounts: [CompiledDiscount] {
    _read { yield box.fields.discounts }
    set { change { $0.discounts = newValue } }
  }
  public var minimum: CExpr? {
    _read { yield box.fields.minimum }
    set { change { $0.minimum = newValue } }
  }
  public var source: RuleRef {
    _read { yield box.fields.source }
    set { change { $0.source = newValue } }
  }
  public var milestone: String? {
    _read { yield box.fields.milestone }
    set { change { $0.milestone = newValue } }
  }
  public var period: PeriodSpec? {
    _read { yield box.fields.period }
    set { change { $0.period = newValue } }
  }
  public var alignment: Alignment? {
    _read { yield box.fields.alignment }
    set { change { $0.alignment = newValue } }
  }
}
