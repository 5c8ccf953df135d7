import AccrueCLI
import AccrueTestSupport
import Foundation
import Testing

/// Progressive billing across applies (grammar.md §6.10): the threshold invoices recorded in the ledger by an apply
/// in the middle of the period are not issued again by the apply at its end, whose invoice subtracts what they billed.
@Suite("Progressive billing across applies")
struct ProgressiveApplyTests {
  @Test("apply mid-period, then at the period's end: each threshold invoice once, the end invoice bills the rest")
  func acrossApplies() throws {
    let base = TemporaryPaths.make("accrue-progressive")
    let data = base + "/data"
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    let files = [
      "customers.csv": "id,name\nc1,Northwind AI\n", "contracts.csv": "id,customer,plan,start_date\nm1,c1,metered,2026-10-01\n",
      "usage.csv": "id,customer,contract,date,name,quantity\ne1,c1,m1,2026-10-03,api.call,600\ne2,c1,m1,2026-10-10,api.call,1500\n"
        + "e3,c1,m1,2026-10-20,api.call,4000\ne4,c1,m1,2026-10-25,api.call,500\n",
    ]
    for (name, text) in files { try text.write(toFile: data + "/" + name, atomically: true, encoding: .utf8) }
    let rules = CLITests.repoRoot.appendingPathComponent("examples/progressive-billing").path
    var keys: [[String]] = []
    for (n, d) in ["2026-10-15", "2026-11-01", "2026-11-01"].enumerated() {
      let (s, out, err) = CLITests.run(
        ["apply", "--rules", rules, "--data", data, "--as-of", d, "--since", "2026-09-30", "--state", base + "/state", "--out", base + "/out"])
      try #require(s == 0, "\(err)")
      let run = base + "/out/run-000\(n + 1)-\(d)/invoices.json"
      guard FileManager.default.fileExists(atPath: run) else {
        #expect(n == 2 && out.contains("Nothing new as of 2026-11-01"), "\(out)")
        continue
      }
      let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: run))) as? [String: Any])
      let invoices = try #require(json["invoices"] as? [[String: Any]])
      keys.append(invoices.map { "\($0["key"] ?? "") \($0["total"] ?? "")" })
    }
    #expect(
      keys == [
        ["m1/2026-10-01 10.00", "m1/2026-10-03/threshold-1 6.00", "m1/2026-10-10/threshold-2 15.00"],
        ["m1/2026-10-20/threshold-3 40.00", "m1/2026-11-01 15.00"],
      ])
  }
}
