import AccrueCore
import AccrueDiagnostics
import AccrueLexer

extension Parser {
  /// `service credit ["label"] on charge NAME { below X% credit Y% ... [maximum Z] }`.
  mutating func parseServiceCredit() -> ServiceCreditSpec? {
    let start = advance()
    guard expectWord(.credit, after: "'service'") != nil else { return nil }
    let label = optionalLabel()
    guard expectWord(.on, after: "'service credit'") != nil, expectWord(.charge, after: "'service credit ... on'") != nil,
      let charge = parseName("a charge name")
    else { return nil }
    let items = block("service credit", words: [.below, .maximum], opener: start) { $0.parseServiceCreditItem() }
    var spec = ServiceCreditSpec(
      label: label, charge: charge, levels: [], maximum: nil, maximumSpan: nil, repeats: [], span: span(from: start))
    for item in items {
      switch item {
      case .level(let l): spec.levels.append(l)
      case .maximum(let e, let s):
        if spec.maximum == nil { (spec.maximum, spec.maximumSpan) = (e, s) } else { spec.repeats.append(s) }
      }
    }
    return spec
  }

  mutating func parseServiceCreditItem() -> ServiceCreditItem? {
    let s = cur
    if eatWord(.below) != nil {
      let below = parseExpr()
      guard expectWord(.credit, after: "the service level") != nil else { return nil }
      let credit = parseExpr()
      return .level(ServiceLevel(below: below, credit: credit, span: span(from: s)))
    }
    if eatWord(.maximum) != nil {
      let e = parseExpr()
      return .maximum(e, span(from: s))
    }
    return nil
  }
}
