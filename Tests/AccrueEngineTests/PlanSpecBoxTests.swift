import AccrueCore
import AccrueModel
import Testing

@testable import AccrueCompiler

/// Plans and charges keep their fields in a box their copies share (PlanSpec.swift): each is still a value, so
/// changing a copy leaves every other copy as it was.
@Suite("Plan and charge boxes")
struct PlanSpecBoxTests {
  static let rule = RuleRef(file: "rules/plans.accrue", line: 3)

  static func charge(_ name: String) -> CompiledCharge {
    CompiledCharge(
      ChargeFields(
        name: name, label: name.uppercased(), pricing: nil, quantity: .none, free: nil, freeAmount: nil, timing: .advance, prorate: true,
        discounts: [], minimum: nil, source: rule))
  }

  @Test("a changed copy of a charge leaves the original as it was")
  func chargeCopies() {
    let a = Self.charge("seats")
    var b = a
    b.name = "users"
    b.prorate = false
    b.source = RuleRef(file: "other.accrue", line: 9)
    #expect(a.name == "seats" && a.prorate && a.source == Self.rule && a.label == "SEATS")
    #expect(b.name == "users" && !b.prorate && b.source.line == 9 && b.label == "SEATS")
  }

  @Test("a changed copy of a plan (its period, its charges) leaves the original and its charges as they were")
  func planCopies() {
    var a = CompiledPlanSpec(
      PlanSpecFields(
        name: "team", label: "Team", currency: .USD, period: .months(1), timing: .advance, alignment: .anniversary, trial: nil,
        phases: [], charges: [Self.charge("seats")], discounts: [], minimum: nil, taxes: [], terms: .dueOnReceipt, earlyDiscount: nil,
        lateFee: nil, interest: nil, rounding: .halfEven, monthEnd: .clamp, source: Self.rule))
    a.zeroInvoicesIssued = false
    var b = a
    b.period = .months(12)
    b.charges[0].name = "users"
    b.charges.append(Self.charge("api"))
    b.zeroInvoicesIssued = true
    #expect(a.period == .months(1) && a.charges.map(\.name) == ["seats"] && !a.zeroInvoicesIssued)
    #expect(b.period == .months(12) && b.charges.map(\.name) == ["users", "api"] && b.zeroInvoicesIssued && b.name == "team")
  }
}
