import AccrueBilling
import AccrueChecker
import AccrueCompiler
import AccrueCore
import AccrueData
import AccrueDiagnostics
import AccrueModel
import AccrueParser
import AccrueRender
import AccrueRun
import Testing

/// Capacity tiers (grammar.md §6.9, issue 24 item 10), against DigitalOcean's published Droplet prices
/// (https://www.digitalocean.com/docs/droplets/overview/): Standard Droplets from 5 USD a month for 1 vCPU and 1 GB
/// of RAM to 960 USD a month for 32 vCPUs and 192 GB; CPU Optimized from 20 USD a month (1 vCPU, 2 GB) to 640 USD
/// a month (32 vCPUs, 64 GB).
@Suite("Capacity tiers")
struct CapacityTierTests {
  static let rules = """
    currency USD
    field event.vcpus: number
    field event.memory_gb: number
    metric vcpus {
      event "resources"
      max of event.vcpus
    }
    metric memory_gb {
      event "resources"
      max of event.memory_gb
    }
    plan standard {
      period monthly
      align to calendar
      charge droplet "Droplet" {
        capacity tiers {
          tier s1 "1 vCPU, 1 GB" when vcpus <= 1 and memory_gb <= 1 at 5.00 USD
          tier s32 "32 vCPUs, 192 GB" when vcpus <= 32 and memory_gb <= 192 at 960.00 USD
        }
      }
    }
    plan cpu {
      period monthly
      align to calendar
      charge droplet "Droplet" {
        capacity tiers {
          tier c1 "1 vCPU, 2 GB" when vcpus <= 1 and memory_gb <= 2 at 20.00 USD
          tier c32 "32 vCPUs, 64 GB" when vcpus <= 32 and memory_gb <= 64 at 640.00 USD
        }
      }
    }
    """

  static func run(plan: String, usage: String) throws -> (BillingResult, [DataIssue]) {
    try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer,
        "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,\(plan),2026-10-01\n",
        "usage.csv": "id,customer,contract,date,name,vcpus,memory_gb\n" + usage,
      ], asOf: "2026-11-01", since: "2026-10-31")
  }

  @Test(
    "the month's peaks pick the first size whose every limit holds (DigitalOcean's published prices)",
    arguments: [
      ("standard", "1,1", "5"), ("standard", "1,0.5", "5"), ("standard", "1,2", "960"), ("standard", "2,1", "960"),
      ("standard", "32,192", "960"), ("cpu", "1,2", "20"), ("cpu", "32,64", "640"), ("cpu", "2,2", "640"),
    ])
  func published(_ plan: String, _ peak: String, _ total: String) throws {
    let (r, issues) = try Self.run(plan: plan, usage: "e1,cust-1,k1,2026-10-03,resources,1,1\ne2,cust-1,k1,2026-10-21,resources,\(peak)\n")
    #expect(issues.isEmpty && r.failures.isEmpty, "\(issues) \(r.failures)")
    let inv = try #require(r.invoices.first)
    #expect(inv.total.description == total)
    #expect(inv.sources.contains { $0.description.hasSuffix("usage.csv:3") })
  }

  @Test("--explain shows each metric measured and each tier tried")
  func explained() throws {
    let p = try Run.plan(Self.rules)
    let (data, _) = Dataset.load(
      folder: try Run.folder([
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,standard,2026-10-01\n",
        "usage.csv": "id,customer,contract,date,name,vcpus,memory_gb\ne1,cust-1,k1,2026-10-03,resources,1,2\n",
      ]), plan: p)
    let (r, _) = Billing.run(plan: p, data: data, asOf: CivilDate.parse("2026-11-01")!, since: CivilDate.parse("2026-10-31"), explain: "k1/2026-11-01")
    let line = try #require(r.invoices.first?.lines.first)
    #expect(line.description == "Droplet: 32 vCPUs, 192 GB (vcpus 1, memory_gb 2)")
    let text = BillingText.explanation(line)
    #expect(text.contains { $0.hasPrefix("metric memory_gb: max = 2 (1 event(s) from 2026-10-01 to 2026-10-31, first rows") })
    #expect(text.contains { $0.contains("tier s1") && $0.hasSuffix("vcpus 1 <= 1, memory_gb 2 <= 1: not every limit holds") })
    #expect(text.contains { $0.contains("tier s32") && $0.hasSuffix("every limit holds") })
  }

  @Test("usage above every tier stops the run, naming the measurements, the rows and the last tier; nothing is billed")
  func aboveEveryTier() throws {
    let (r, _) = try Self.run(plan: "standard", usage: "e1,cust-1,k1,2026-10-03,resources,48,8\n")
    #expect(r.invoices.isEmpty)
    let f = try #require(r.failures.first)
    #expect(f.message.contains("vcpus 48, memory_gb 8") && f.message.contains("usage.csv:2") && f.message.contains("above every capacity tier"))
    #expect(f.rule.line == 18)  // the last tier
    #expect(f.subject.contains("k1/2026-11-01"))
  }

  static func diagnostics(_ charge: String) -> [Diagnostic] {
    let load = RuleSetLoader.load(
      root: "rules",
      files: [
        (
          "rules.accrue",
          """
          currency USD
          metric cpu { max of event.quantity }
          metric memory { max of event.quantity }
          metric spend { sum of event.amount }
          plan p {
            period monthly
            align to calendar
            charge c {
          \(charge)
            }
          }
          """
        )
      ])
    return Frontend.check(load).1.filter { $0.severity == .error }
  }

  @Test("checks: unknown metric, a limit that is not METRIC <= NUMBER, a money metric, an open tier before others")
  func checker() {
    let unknown = Self.diagnostics("capacity tiers {\n tier a when cpus <= 4 at 1.00 USD\n tier b at 2.00 USD\n}")
    #expect(unknown.map(\.code.id) == ["E0310"] && unknown[0].help == "did you mean 'cpu'?", "\(unknown.map(\.message))")
    let shape = Self.diagnostics("capacity tiers {\n tier a when cpu > 4 at 1.00 USD\n tier b at 2.00 USD\n}")
    #expect(shape.map(\.code.id) == ["E0401"] && shape[0].help?.contains("METRIC <= NUMBER") == true, "\(shape.map(\.message))")
    let money = Self.diagnostics("capacity tiers {\n tier a when spend <= 4 at 1.00 USD\n tier b at 2.00 USD\n}")
    #expect(money.map(\.code.id) == ["E0401"], "\(money.map(\.message))")
    let open = Self.diagnostics("capacity tiers {\n tier a at 1.00 USD\n tier b when cpu <= 4 at 2.00 USD\n}")
    #expect(open.map(\.code.id) == ["E0502"] && open[0].message.contains("tier 'a' has no limits"), "\(open.map(\.message))")
  }

  @Test("a tier whose limits are all within an earlier tier's is never reached (E0502); a wider one is fine")
  func unreachable() {
    let never = Self.diagnostics("capacity tiers {\n tier big when cpu <= 8 and memory <= 32 at 1.00 USD\n tier small when cpu <= 4 and memory <= 16 at 2.00 USD\n tier x at 3.00 USD\n}")
    #expect(never.map(\.code.id) == ["E0502"] && never[0].message.contains("tier 'small' is never reached"), "\(never.map(\.message))")
    let strict = Self.diagnostics("capacity tiers {\n tier a when cpu < 4 at 1.00 USD\n tier b when cpu <= 4 at 2.00 USD\n tier x at 3.00 USD\n}")
    #expect(strict.isEmpty, "\(strict.map(\.message))")
    let same = Self.diagnostics("capacity tiers {\n tier a when cpu <= 4 at 1.00 USD\n tier b when cpu < 4 and memory <= 1 at 2.00 USD\n tier x at 3.00 USD\n}")
    #expect(same.map(\.code.id) == ["E0502"], "\(same.map(\.message))")
    let otherMetric = Self.diagnostics("capacity tiers {\n tier a when cpu <= 4 at 1.00 USD\n tier b when memory <= 4 at 2.00 USD\n tier x at 3.00 USD\n}")
    #expect(otherMetric.isEmpty, "\(otherMetric.map(\.message))")
  }

  @Test("capacity tiers take no usage, quantity or free units (E0509), and tiers need names of their own")
  func conflicts() {
    let d = Self.diagnostics("usage cpu\nfree 3\ncapacity tiers {\n tier a when cpu <= 4 at 1.00 USD\n tier a at 2.00 USD\n}")
    #expect(d.map(\.code.id) == ["E0509", "E0509", "E0509"], "\(d.map(\.message))")
  }

  @Test("without 'at', the parser says how a tier is written")
  func parse() {
    let d = Self.diagnostics("capacity tiers {\n tier a when cpu <= 4, memory <= 8 at 1.00 USD\n}")
    #expect(d.map(\.code.id) == ["E0201"] && d.first?.help?.contains("join the limits with 'and'") == true, "\(d.map(\.message))")
  }

  @Test("a phase re-prices capacity tiers with its own (and their metrics are measured); a phase mixing kinds is E0509")
  func phases() throws {
    let rules = """
      currency USD
      month end clamp
      metric cpu { max of event.quantity }
      metric disk { max of event.amount_gb }
      field event.amount_gb: number
      plan p {
        period monthly
        align to calendar
        phase intro for 3 months {
          charge c {
            capacity tiers {
              tier tiny when disk <= 10 at 1.00 USD
              tier rest at 2.00 USD
            }
          }
        }
        charge c {
          capacity tiers {
            tier small when cpu <= 4 at 10.00 USD
            tier big at 20.00 USD
          }
        }
      }
      """
    let (r, issues) = try Run.billing(
      rules,
      [
        "customers.csv": Run.oneCustomer, "contracts.csv": "id,customer,plan,start_date\nk1,cust-1,p,2026-10-01\n",
        "usage.csv": "id,customer,contract,date,name,quantity,amount_gb\ne1,cust-1,k1,2026-10-03,x,2,50\n",
      ], asOf: "2026-11-01", since: "2026-10-31")
    #expect(issues.isEmpty && r.failures.isEmpty, "\(issues) \(r.failures)")
    // In the intro phase: disk 50 is above 'tiny', so 'rest' = 2.00 (the plan's tiers would say small = 10.00).
    #expect(r.invoices.first?.lines.first?.description == "intro phase: c: rest (disk 50)")
    #expect(r.invoices.first?.total.description == "2")
    let mixed = RuleSetLoader.load(
      root: "rules",
      files: [("r.accrue", "currency USD\nmonth end clamp\nmetric cpu { max of event.quantity }\nplan p {\n  period monthly\n  align to calendar\n  phase a for 1 month {\n    charge c { flat 1.00 USD }\n  }\n  charge c {\n    capacity tiers {\n      tier s when cpu <= 1 at 1.00 USD\n      tier b at 2.00 USD\n    }\n  }\n}\n")])
    let d = Frontend.check(mixed).1.filter { $0.severity == .error }
    #expect(d.map(\.code.id) == ["E0509"] && d[0].message.contains("priced by capacity tiers"), "\(d.map(\.message))")
  }

  @Test("--coverage lists the capacity tiers no line reached")
  func coverage() throws {
    let (r, _) = try Self.run(plan: "standard", usage: "e1,cust-1,k1,2026-10-03,resources,1,1\n")
    let cov = Coverage.compute(plan: try Run.plan(Self.rules), billing: r, collections: nil)
    let whats = cov.unused.map(\.what)
    #expect(whats.contains("capacity tier s32 of charge droplet in plan standard was never reached"), "\(whats)")
    #expect(!whats.contains { $0.contains("tier s1") || $0.contains("charge droplet of plan standard produced no line") }, "\(whats)")
  }
}
