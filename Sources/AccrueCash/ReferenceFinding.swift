import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueImport
import AccrueModel
import AccrueParallel

/// Finds what the rules' patterns name in payments' texts, and the invoices each reference names (patterns and
/// the reference table are only read).
struct ReferenceFinder: Sendable {
  let rules: [MatchRuleBox]
  let references: ReferenceIndex?
  let invoices: [OpenInvoice]

  /// The references the rule's patterns find: in each text as given, and with its line breaks removed (banks
  /// wrap remittance text at a fixed width, often inside a number).
  func extract(_ rule: MatchRuleBox, reference: String, remittance: String, _ scratch: [Pattern.Scratch]) -> [String] {
    var out: [String] = []
    for (k, (pattern, sources)) in rule.r.patterns.enumerated() {
      for s in sources {
        let text = s == .remittance ? remittance : reference
        if text.isEmpty { continue }
        // The text as given, then (when it has line breaks) without them: a reference the bank wrapped.
        let wrapped = ReferenceFinder.hasLineBreak(text)
        for v in 0..<(wrapped ? 2 : 1) {
          let variant = v == 0 ? text : ReferenceFinder.unwrapped(text)
          for m in pattern.allMatches(in: variant, scratch[k]) {
            // (One group, most patterns' case, is the reference as it is: no array and no string made to join it.)
            let ref = m.groups.isEmpty ? m.whole : m.groups.count == 1 ? m.groups[0] ?? "" : m.groups.compactMap { $0 }.joined()
            if !ref.isEmpty, !out.contains(ref) { out.append(ref) }
          }
        }
      }
    }
    return out
  }

  /// Whether the text has a line break (CR or LF), its bytes read in place.
  static func hasLineBreak(_ text: String) -> Bool {
    text.withBytes { b in b.contains { $0 == 10 || $0 == 13 } }
  }

  /// The text without its line breaks (CR and LF are single bytes in UTF-8, never part of another character's
  /// bytes: removing them removes those characters).
  static func unwrapped(_ text: String) -> String {
    text.withBytes { b in String(decoding: b.filter { $0 != 10 && $0 != 13 }, as: UTF8.self) }
  }

  /// The references each rule's patterns find in one payment (empty for rules without patterns). Its texts are
  /// read in place (a copy of the payment would retain all its strings).
  func references(of payments: [Payment], _ pi: Int, _ scratch: Scratch) -> [[Matcher.FoundRef]] {
    let (reference, remittance) = (payments[pi].transaction.reference, payments[pi].transaction.remittance)
    var out: [[Matcher.FoundRef]] = []
    out.reserveCapacity(rules.count)
    for (ri, rule) in rules.enumerated() {
      out.append(rule.r.patterns.isEmpty ? [] : found(extract(rule, reference: reference, remittance: remittance, scratch.patterns[ri]), scratch))
    }
    return out
  }

  func found(_ texts: [String], _ scratch: Scratch) -> [Matcher.FoundRef] {
    var out: [Matcher.FoundRef] = []
    for t in texts {
      out.append(Matcher.FoundRef(text: t, invoices: references?.find(keysOf: t, &scratch.keys, in: invoices) ?? []))
    }
    return out
  }

  /// One thread's memory for searching: each rule's patterns', and a text's keys.
  final class Scratch {
    let patterns: [[Pattern.Scratch]]
    var keys = ReferenceKeys.Buffers()
    init(_ rules: [MatchRuleBox]) { patterns = rules.map { $0.r.patterns.map { Pattern.Scratch($0.0) } } }
  }
}

/// The references in the payments to match, looked for from when the reference table is ready: for many
/// payments, on another thread while this one makes the matcher's tables, then on both (`finish`).
final class ReferenceFinding: Sendable {
  private let started: StartedChunks<[[[Matcher.FoundRef]]]>?
  private let serial: (@Sendable () -> [[[Matcher.FoundRef]]])?

  /// `list`: the payments to look in (indices into `payments`); from `parallelAt` of them, on two threads.
  init(_ list: [Int], in payments: [Payment], plan: ExecutablePlan, invoices: [OpenInvoice], tables: MatchTables, parallelAt: Int) {
    let rules = plan.matchRules.map(MatchRuleBox.init)
    guard rules.contains(where: { !$0.r.patterns.isEmpty }) else {
      (started, serial) = (nil, { [] })
      return
    }
    @Sendable func finder() -> ReferenceFinder { ReferenceFinder(rules: rules, references: tables.references, invoices: invoices) }
    @Sendable func scratch() -> ReferenceFinder.Scratch { ReferenceFinder.Scratch(rules) }
    let n = list.count
    guard n >= parallelAt, n >= 2 else {
      started = nil
      serial = {
        let (f, s) = (finder(), scratch())
        return list.map { f.references(of: payments, $0, s) }
      }
      return
    }
    let parts = min(64, n)
    serial = nil
    // Each chunk searches with its own scratch memory for the patterns.
    started = StartedChunks(parts, first: { _ = tables.references }) { _, k in
      let (f, s) = (finder(), scratch())
      return (n * k / parts..<n * (k + 1) / parts).map { f.references(of: payments, list[$0], s) }
    }
  }

  /// The references each rule's patterns find in each payment of the list, in list order (empty when no rule
  /// has patterns).
  func finish() -> [[[Matcher.FoundRef]]] {
    if let serial { return serial() }
    var found: [[[Matcher.FoundRef]]] = []
    started?.finish(inOrder: { found.moveAppend(&$0, placeholder: []) })
    return found
  }
}
