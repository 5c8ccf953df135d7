import AccrueCompiler

extension PlanJSON {
  /// A plan's contract term (grammar.md §6.8) as `accrue compile --emit plan` shows it: lengths in months, the
  /// notice, the commitment per term and whether it is shared pro rata, with each statement's rule.
  static func contractTerm(_ t: CompiledContractTerm) -> JSON {
    .object([
      ("months", .int(t.months)), ("rule", .string(t.source.description)),
      ("renewal_months", t.renewalMonths.map { .int($0) } ?? .null),
      ("notice", t.noticeSource == nil ? .null : .string(t.noticeMonths > 0 ? "\(t.noticeMonths) months" : "\(t.noticeDays) days")),
      ("commitment", expr(t.commitment)), ("pro_rata", .bool(t.proRata)),
      ("commitment_rule", t.commitmentSource.map { .string($0.description) } ?? .null),
    ])
  }
}
