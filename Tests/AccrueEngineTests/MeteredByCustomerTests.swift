import AccrueData
import AccrueGen
import AccrueTestSupport
import Testing

@testable import AccrueBilling

/// The usage step's table of each customer's metered contracts (for events that name a customer and no contract)
/// is the dictionary of lists it replaced: the contracts with accumulators, in contract order.
@Suite("Metered contracts by customer")
struct MeteredByCustomerTests {
  @Test("each customer's metered contracts, in contract order, as the dictionary of lists gave them", arguments: [0, 1, 2, 3])
  func asDictionary(_ skip: Int) throws {
    let dir = TemporaryPaths.make("accrue-metered")
    try DataGenerator.write(DataGeneratorOptions(contracts: 300, events: 10, openInvoices: 10, payments: 10, seed: 5), to: dir)
    let (_, data) = CLITestsRoot.load(dir)
    // Some contracts without accumulators (none at all with skip 1), one or several for the others.
    let byContract = data.contracts.indices.map { ci in skip > 0 && ci % (skip + 1) == 0 ? [] : Array(repeating: ci, count: 1 + ci % 2) }
    var dictionary: [Int: [Int]] = [:]
    for (ci, list) in byContract.enumerated() where !list.isEmpty { dictionary[data.contracts[ci].customer, default: []].append(ci) }
    let table = MeteredByCustomer(byContract, data)
    for k in data.customers.indices { #expect(table[k].map(Int.init) == (dictionary[k] ?? []), "customer \(k)") }
    #expect(MeteredByCustomer(byContract.map { _ in [] }, data).list.isEmpty)
  }
}
