import AccrueCompiler
import AccrueModel
import Testing

@testable import AccrueLedger

/// `NumberTemplate` (a sequence's year, month and entity written once) gives the numbers `NumberingRule.format` gives.
@Suite("A numbering format written once per sequence")
struct NumberTemplateTests {
  static let rule = RuleRef(file: "rules/settings.accrue", line: 3)

  @Test("random formats, years, months, entities and sequence numbers, against NumberingRule.format")
  func asFormat() {
    var rng = SystemRandomNumberGenerator()
    let texts = ["", "NW-", "-", "/", "Été-", "🇸🇪", "INV ", "x"]
    let entities = ["", "TR", "NWEU", "Société", "a-long-entity-name-past-sixteen-bytes"]
    let years = [-12, 0, 7, 99, 2026, 9999, 12_345]
    let sequences = [0, 1, 9, 10, 99, 100, 12_345, 99_999, 100_000, 1_234_567_890, Int.max, -1, -42, Int.min + 1]
    for _ in 0..<400 {
      var pieces: [NumberingRule.Piece] = []
      for _ in 0..<Int.random(in: 0...5, using: &rng) {
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: pieces.append(.text(texts.randomElement(using: &rng)!))
        case 1: pieces.append(.year)
        case 2: pieces.append(.month)
        default: pieces.append(.entity)
        }
      }
      pieces.insert(.sequence(width: Int.random(in: 1...12, using: &rng)), at: Int.random(in: 0...pieces.count, using: &rng))
      let r = NumberingRule(pieces: pieces, perYear: true, perMonth: false, entity: nil, rule: Self.rule)
      let year = years.randomElement(using: &rng)!
      let month = Int.random(in: 1...12, using: &rng)
      let entity = entities.randomElement(using: &rng)!
      let template = NumberTemplate(r, year: year, month: month, entity: entity)
      #expect(template != nil)
      for n in sequences {
        let expected = NumberingRule.format(r, year: year, month: month, entity: entity, sequence: n)
        #expect(template?.number(n) == expected, "\(pieces) \(year) \(month) \(entity) \(n)")
      }
    }
  }

  @Test("no template without exactly one sequence (the caller then formats each number)")
  func oneSequence() {
    let none = NumberingRule(pieces: [.text("NW-"), .year], perYear: true, perMonth: false, entity: nil, rule: Self.rule)
    let two = NumberingRule(pieces: [.sequence(width: 2), .text("-"), .sequence(width: 3)], perYear: false, perMonth: false, entity: nil, rule: Self.rule)
    #expect(NumberTemplate(none, year: 2026, month: 11, entity: "") == nil)
    #expect(NumberTemplate(two, year: 2026, month: 11, entity: "") == nil)
  }
}
