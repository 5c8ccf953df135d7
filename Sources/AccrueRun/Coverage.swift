import AccrueCompiler
import AccrueCore
import AccrueModel

extension Coverage {
  public static func compute(
    plan: ExecutablePlan, billing: BillingResult, collections: CollectionsResult?, cash: CashResult? = nil
  ) -> Coverage {
    var fired = Set<String>()
    var tiers: [String: Set<Int>] = [:]
    var plans = Set<String>()
    func key(_ r: RuleRef) -> String { "\(r.file):\(r.line):\(r.column)" }
    for inv in billing.invoices {
      plans.insert(inv.plan)
      for l in inv.lines {
        fired.insert(key(l.rule))
        tiers[key(l.rule), default: []].formUnion(l.tiers)
      }
      for t in inv.taxes { fired.insert(key(t.rule)) }
    }
    var out: [Item] = []
    var total = 0
    func check(_ r: RuleRef, _ what: String) {
      total += 1
      if !fired.contains(key(r)) { out.append(Item(rule: r, what: what)) }
    }
    for spec in plan.plans where spec.copyOf == nil {  // a price book's copies are its plan's rules
      total += 1
      if !plans.contains(spec.name) {
        out.append(Item(rule: spec.source, what: "plan \(spec.name): no contract was billed on it"))
        continue
      }
      let charges = spec.charges.map { ($0, "") } + spec.phases.flatMap { ph in ph.charges.values.sorted { $0.name < $1.name }.map { ($0, " in phase \(ph.name)") } }
      for (ch, phase) in charges {
        check(ch.source, "charge \(ch.name)\(phase) of plan \(spec.name) produced no line")
        if case .tiers(let mode, let list)? = ch.pricing, fired.contains(key(ch.source)) {
          let hit = tiers[key(ch.source)] ?? []
          for (k, t) in list.enumerated() {
            total += 1
            if !hit.contains(k) {
              let range = "\(t.from)\(t.to.map { " to \($0)" } ?? " and above")"
              out.append(Item(rule: ch.source, what: "\(mode.rawValue) tier \(range) of charge \(ch.name) in plan \(spec.name) was never reached"))
            }
          }
        }
        if case .capacity(let list)? = ch.pricing, fired.contains(key(ch.source)) {  // grammar.md §6.9
          let hit = tiers[key(ch.source)] ?? []
          for (k, t) in list.enumerated() {
            total += 1
            if !hit.contains(k) { out.append(Item(rule: t.source, what: "capacity tier \(t.name) of charge \(ch.name) in plan \(spec.name) was never reached")) }
          }
        }
      }
      for d in spec.discounts + spec.phases.flatMap(\.discounts) { check(d.source, "discount \(d.label ?? "") of plan \(spec.name) was never applied") }
      for ch in spec.charges { for d in ch.discounts { check(d.source, "discount on charge \(ch.name) of plan \(spec.name) was never applied") } }
      for m in [spec.minimumSource, spec.contractTerm?.commitmentSource].compactMap({ $0 }) + spec.phases.compactMap(\.minimumSource) {
        check(m, "minimum commitment of plan \(spec.name) never billed a shortfall")
      }
      for t in spec.taxes { check(t.source, "tax \(t.label) of plan \(spec.name) was never charged") }
    }
    if let c = collections {
      var steps: [String: Set<String>] = [:]
      for r in c.reminders { steps[r.cadence, default: []].insert(r.step) }
      for cad in plan.cadences {
        total += 1
        guard let sent = steps[cad.name] else {
          out.append(Item(rule: cad.source, what: "cadence \(cad.name) sent nothing"))
          continue
        }
        for s in cad.steps {
          total += 1
          if !sent.contains(s.name) { out.append(Item(rule: s.source, what: "step \(s.name) of cadence \(cad.name) was never sent")) }
        }
      }
    }
    if let m = cash {
      let decided = Set(m.applications.compactMap(\.rule))
      for r in plan.matchRules {
        total += 1
        if !decided.contains(r.name) { out.append(Item(rule: r.source, what: "match rule \(r.name) decided no payment")) }
      }
    }
    out.sort { ($0.rule.file, $0.rule.line, $0.rule.column, $0.what) < ($1.rule.file, $1.rule.line, $1.rule.column, $1.what) }
    return Coverage(unused: out, total: total)
  }
}
