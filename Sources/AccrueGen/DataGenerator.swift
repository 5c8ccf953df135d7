import AccrueCore

#if canImport(Darwin)
  import Darwin
#else
  import Glibc
#endif

/// What `DataGenerator.write` produces: how many rows of each kind, the seed and the run date.
public struct DataGeneratorOptions: Sendable {
  /// Contracts to write (customers are about half as many: each has 1 to 3 contracts).
  public var contracts: Int
  /// Usage events to write, spread over the month before `asOf`.
  public var events: Int
  /// Open invoices to write, issued over the six months before `asOf`.
  public var openInvoices: Int
  /// Bank payments to write, booked over the 30 days before `asOf`.
  public var payments: Int
  /// Random seed: the same options give byte-identical files.
  public var seed: UInt64
  /// The run date, `YYYY-MM-DD`; a value that is not a real date is read as 2026-11-01.
  public var asOf: String

  /// Options with every count given (negative counts are read as 0).
  public init(
    contracts: Int = 1_000, events: Int = 100_000, openInvoices: Int = 500, payments: Int = 500, seed: UInt64 = 1,
    asOf: String = "2026-11-01"
  ) {
    self.contracts = contracts
    self.events = events
    self.openInvoices = openInvoices
    self.payments = payments
    self.seed = seed
    self.asOf = asOf
  }
}

/// An I/O failure while writing generated data: the file and the system's reason.
public struct DataGeneratorError: Error, CustomStringConvertible, Sendable {
  /// The file or folder that could not be written.
  public let path: String
  /// The system's reason (strerror).
  public let reason: String
  /// "path: reason".
  public var description: String { "\(path): \(reason)" }
}

/// Writes a synthetic, seeded dataset for the bundled rule set (`rules/`, Northwind Analytics), for benchmarks
/// and tests. Every row is valid against the rules and `docs/data.md`: plan names `starter`, `team`, `business`
/// (team and business in USD or EUR: EU customers other than self-serve bill in EUR); event names `api.request` (with the custom column `status_code`, about 2% of them
/// 5xx) and `users.daily_active`; the custom columns `strategic`, `in_litigation` (customers) and `launch_promo`
/// (contracts); money with at most two decimals (USD and EUR); real dates; every reference resolvable.
///
/// Files (CSV, RFC 4180, LF line ends, a header row):
/// - `customers.csv`: `id,name,segment,country,currency,email,billing_email,account_owner,phone,credit_hold,strategic,in_litigation`
///   (`cust-001` ...; segments enterprise, mid-market, smb, self-serve; EU customers other than self-serve bill in EUR).
/// - `contracts.csv`: `id,customer,plan,start_date,end_date,quantity,seats,currency,billing_anchor,launch_promo`
///   (`ctr-001` ...; 1 to 3 per customer; some started in the last month (trial), some end around `asOf`, some on
///   the 29th-31st, some with a billing anchor on the next 1st).
/// - `usage.csv`: `id,customer,contract,date,name,quantity,amount,currency,status_code` (`evt-000001` ..., by date):
///   one `users.daily_active` snapshot per day per active Business contract, the rest `api.request` batches of
///   active Team contracts (batch sizes grow with seats, so large contracts reach the higher tiers).
/// - `invoices.csv`: `id,number,kind,customer,contract,issue_date,due_date,currency,amount,amount_paid,disputed_amount,status,reference,period_start,period_end`
///   (`INV-2026-000123`, numbered by issue date; all `open`; about 12% partly paid, 6% partly disputed; EUR
///   invoices carry an ISO 11649 `RF` reference; `period_end` is the last day of the service period).
/// - `payments.csv`: `id,booking_date,value_date,amount,currency,reference,remittance,payer_name,payer_account`
///   (`pay-000001` ...): the bank statement lines to match. `booking_date` is when the bank booked the credit,
///   `value_date` when it took value; `amount` is positive; `reference` holds a structured creditor reference
///   (`RF..`) when the payer gave one; `remittance` is the free text, which names invoice numbers the way people
///   retype them (`INV-2026-000123`, `inv 2026 123`, `INV2026000123`, extra leading zeros, a line break inside
///   the number); `payer_name` is the account holder as the bank shows it (sometimes in capitals or cut to 20
///   characters); `payer_account` is the payer's IBAN (EUR) or `routing-account` number (USD), or empty. About
///   35% pay one invoice exactly with its number in the remittance, 10% exactly without any reference, 10% by RF
///   reference (EUR invoices; for USD ones the number is in the remittance instead), 10% short (bank fees or deductions), 7% over, 10% several invoices of one customer at once,
///   8% a round sum on account, 10% come from unknown payers.
public enum DataGenerator {
  /// Writes customers.csv, contracts.csv, usage.csv, invoices.csv, payments.csv and accounts.csv into `dir` (created if needed).
  /// Same options -> byte-identical files. Streams rows to disk through a large write buffer (10M events are
  /// never held in memory; contracts and invoices are kept as compact arrays). Throws only on I/O errors.
  public static func write(_ o: DataGeneratorOptions, to dir: String) throws {
    try makeDirectory(dir)
    var g = DataGeneration(o)
    try g.writeCustomersAndContracts(dir + "/customers.csv", dir + "/contracts.csv")
    try g.writeUsage(dir + "/usage.csv")
    try g.writeInvoices(dir + "/invoices.csv")
    try g.writePayments(dir + "/payments.csv")
    try g.writeAccounts(dir + "/accounts.csv")
  }

  /// The column headers of the files, in the order written.
  public static let columns: [String: [String]] = [
    "customers": [
      "id", "name", "segment", "country", "currency", "email", "billing_email", "account_owner", "phone", "credit_hold",
      "strategic", "in_litigation",
    ],
    "contracts": [
      "id", "customer", "plan", "start_date", "end_date", "quantity", "seats", "currency", "billing_anchor", "launch_promo",
    ],
    "usage": ["id", "customer", "contract", "date", "name", "quantity", "amount", "currency", "status_code"],
    "invoices": [
      "id", "number", "kind", "customer", "contract", "issue_date", "due_date", "currency", "amount", "amount_paid",
      "disputed_amount", "status", "reference", "period_start", "period_end",
    ],
    "payments": [
      "id", "booking_date", "value_date", "amount", "currency", "reference", "remittance", "payer_name", "payer_account",
    ],
    "accounts": ["customer", "account"],
  ]

  /// Creates `dir` and its missing parents.
  static func makeDirectory(_ dir: String) throws {
    var path = ""
    for (i, part) in dir.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
      path += (i == 0 ? "" : "/") + part
      if part.isEmpty || part == "." { continue }
      if mkdir(path, 0o755) != 0 && errno != EEXIST {
        throw DataGeneratorError(path: path, reason: String(cString: strerror(errno)))
      }
    }
    var st = stat()
    guard stat(dir, &st) == 0, (st.st_mode & 0o170000) == 0o040000 else {
      throw DataGeneratorError(path: dir, reason: "not a folder")
    }
  }
}

// MARK: - Static data

enum GenPlan: UInt8 {
  case starter, team, business, teamEU, businessEU

  var name: StaticString {
    switch self {
    case .starter: return "starter"
    case .team: return "team"
    case .business: return "business"
    case .teamEU: return "team"
    case .businessEU: return "business"
    }
  }
  var euro: Bool { self == .teamEU || self == .businessEU }
  var annual: Bool { self == .business || self == .businessEU }
  var metersAPI: Bool { self == .team || self == .teamEU }
}

enum GenWords {
  static let prefixes: [String] = [
    "Blue", "North", "Silver", "Pine", "Copper", "Harbor", "Summit", "Cedar", "Granite", "Maple", "Iron", "River", "Oak",
    "Bright", "Stone", "Falcon", "Aspen", "Crescent", "Evergreen", "Lumen", "Nimbus", "Quartz", "Redwood", "Sable",
    "Tidal", "Vertex", "Willow", "Zephyr", "Amber", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Golden",
    "Highland", "Indigo", "Juniper", "Kestrel", "Larch",
  ]
  static let nouns: [String] = [
    "Logistics", "Analytics", "Health", "Software", "Retail", "Media", "Capital", "Energy", "Foods", "Labs", "Robotics",
    "Insurance", "Dental", "Freight", "Studios", "Systems", "Networks", "Apparel", "Pharma", "Consulting", "Marine",
    "Telecom", "Outdoor", "Games", "Bakery", "Hotels", "Print", "Data", "Security", "Mobility", "Learning", "Design",
  ]
  /// Country code, weight, legal-form suffixes, EU member, phone prefix.
  static let countries: [(code: String, weight: Int, suffixes: [String], eu: Bool, phone: String)] = [
    ("US", 40, ["Inc.", "LLC", "Corp.", "Co."], false, "+1 "),
    ("GB", 8, ["Ltd", "plc"], false, "+44 "),
    ("CA", 5, ["Inc.", "Ltd."], false, "+1 "),
    ("AU", 3, ["Pty Ltd"], false, "+61 "),
    ("DE", 14, ["GmbH", "AG", "KG"], true, "+49 "),
    ("FR", 10, ["SAS", "SARL", "SA"], true, "+33 "),
    ("NL", 6, ["B.V."], true, "+31 "),
    ("ES", 4, ["S.L.", "S.A."], true, "+34 "),
    ("IE", 3, ["Ltd"], true, "+353 "),
    ("AT", 3, ["GmbH"], true, "+43 "),
    ("SE", 2, ["AB"], true, "+46 "),
    ("IT", 2, ["S.r.l."], true, "+39 "),
  ]
  static let countryTotal = countries.reduce(0) { $0 + $1.weight }
  static let segments: [StaticString] = ["self-serve", "smb", "mid-market", "enterprise"]
  static let owners: [String] = [
    "dana.whitfield", "markus.keller", "sophie.laurent", "james.okafor", "elena.petrova", "tom.nguyen", "ines.garcia",
    "liam.byrne",
  ]
  static let routing: [String] = ["021000021", "026009593", "121000248", "011000138", "071000013", "122105155"]
  static let strangers: [String] = [
    "PAYMENT AGENT SERVICES LTD", "M. KELLER", "J SMITH", "GLOBAL PAYROLL SOLUTIONS", "CITY TREASURY DEPT",
    "Unknown sender", "HOLDING AG ZAHLUNGSVERKEHR", "A. DUPONT", "PAYPAL EUROPE S.A R.L.", "STRIPE PAYMENTS",
  ]
}

// MARK: - DataGeneration

struct DataGeneration {
  let o: DataGeneratorOptions
  let asOf: Int32
  /// Day numbers with precomputed `YYYY-MM-DD` text: [dateBase, dateBase + dateCount).
  let dateBase: Int32
  let dateCount: Int
  var dateText: [UInt8]

  // Customers.
  var custCountry: [UInt8] = []
  var custSegment: [UInt8] = []
  var custEuro: [Bool] = []
  var custName: [UInt32] = []  // prefix | noun << 8 | suffix << 16 | style << 24

  // Contracts.
  var ctrCustomer: [Int32] = []
  var ctrPlan: [GenPlan] = []
  var ctrStart: [Int32] = []
  var ctrEnd: [Int32] = []  // Int32.max when open-ended
  var ctrSeats: [Int32] = []

  // Invoices (in id order).
  var invContract: [Int32] = []
  var invIssue: [Int32] = []
  var invAmount: [Int64] = []
  var invPaid: [Int64] = []

  let custWidth: Int
  let ctrWidth: Int
  let evtWidth: Int
  let invWidth: Int
  let payWidth: Int

  init(_ options: DataGeneratorOptions) {
    var o = options
    o.contracts = max(0, o.contracts)
    o.events = max(0, o.events)
    o.openInvoices = max(0, o.openInvoices)
    o.payments = max(0, o.payments)
    self.o = o
    let day = CivilDate.parse(o.asOf) ?? CivilDate(year: 2026, month: 11, day: 1)!
    asOf = day.dayNumber
    dateBase = asOf - 1_600
    dateCount = 2_400
    dateText = [UInt8](repeating: 0, count: dateCount * 10)
    for i in 0..<dateCount {
      let (y, m, d) = CivilDate(dayNumber: dateBase + Int32(i)).ymd
      let digits: [Int] = [y / 1000 % 10, y / 100 % 10, y / 10 % 10, y % 10, -1, m / 10, m % 10, -1, d / 10, d % 10]
      for (k, v) in digits.enumerated() { dateText[i * 10 + k] = v < 0 ? 0x2D : 0x30 + UInt8(v) }
    }
    func width(_ n: Int, _ minimum: Int) -> Int { max(minimum, String(n).count) }
    custWidth = width(o.contracts, 3)
    ctrWidth = width(o.contracts, 3)
    evtWidth = width(o.events, 6)
    invWidth = width(o.openInvoices, 6)
    payWidth = width(o.payments, 6)
  }

  /// An independent random stream per file, so one file's shape does not shift another's.
  func rng(_ stream: UInt64) -> SeededRandom {
    var r = SeededRandom(seed: o.seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
    _ = r.next()
    return r
  }

  // MARK: Dates

  func date(_ day: Int32, _ out: GenCSVSink) {
    let i = Int(day - dateBase)
    if i >= 0 && i < dateCount {
      dateText.withUnsafeBufferPointer { out.raw($0.baseAddress! + i * 10, 10) }
    } else {
      out.bytes(Array(CivilDate(dayNumber: day).description.utf8))
    }
  }

  func addMonths(_ day: Int32, _ months: Int) -> Int32 {
    CivilDate(dayNumber: day).adding(months: months, .clamp)?.dayNumber ?? day
  }

  func ymd(_ day: Int32) -> (year: Int, month: Int, day: Int) { CivilDate(dayNumber: day).ymd }

  // MARK: Names

  func nameBytes(_ c: Int) -> [UInt8] {
    let packed = custName[c]
    let prefix = GenWords.prefixes[Int(packed & 0xFF)]
    let noun = GenWords.nouns[Int((packed >> 8) & 0xFF)]
    let country = GenWords.countries[Int(custCountry[c])]
    let suffix = country.suffixes[Int((packed >> 16) & 0xFF)]
    switch packed >> 24 {
    case 1: return Array("\(prefix) \(noun), \(suffix)".utf8)  // comma: quoted in CSV
    case 2: return Array("The \"\(prefix)\" \(noun) Company".utf8)  // quotes: doubled in CSV
    default: return Array("\(prefix) \(noun) \(suffix)".utf8)
    }
  }

  func domain(_ c: Int) -> String {
    let packed = custName[c]
    let prefix = GenWords.prefixes[Int(packed & 0xFF)].lowercased()
    let noun = GenWords.nouns[Int((packed >> 8) & 0xFF)].lowercased()
    return "\(prefix)-\(noun)-\(c + 1).example"
  }

  /// The customer's bank account: an IBAN with valid check digits for EUR customers, routing-account for USD.
  func account(_ c: Int) -> [UInt8] {
    var h = SeededRandom(seed: o.seed &+ UInt64(c) &* 0x9E37_79B9)
    if custEuro[c] {
      let cc = GenWords.countries[Int(custCountry[c])].code
      var bban = ""
      for _ in 0..<18 { bban += String(h.below(10)) }
      return Array(iban(country: cc, bban: bban).utf8)
    }
    var acct = ""
    for _ in 0..<10 { acct += String(h.below(10)) }
    return Array("\(GenWords.routing[h.below(GenWords.routing.count)])-\(acct)".utf8)
  }

  /// accounts.csv: the bank account on file for 85% of customers (the account their payments come from).
  func writeAccounts(_ path: String) throws {
    let out = try GenCSVSink(path: path)
    out.lit("customer,account\n")
    for c in 0..<custCountry.count {
      var h = SeededRandom(seed: o.seed &+ UInt64(c) &* 0x2545_F491)
      guard h.below(100) < 85 else { continue }
      try out.row()
      out.lit("cust-")
      out.padded(c + 1, width: custWidth)
      out.comma()
      out.bytes(account(c))
      out.newline()
    }
    try out.finish()
  }

  // MARK: customers.csv, contracts.csv

  mutating func writeCustomersAndContracts(_ customersPath: String, _ contractsPath: String) throws {
    let cu = try GenCSVSink(path: customersPath)
    let co = try GenCSVSink(path: contractsPath)
    cu.lit("id,name,segment,country,currency,email,billing_email,account_owner,phone,credit_hold,strategic,in_litigation\n")
    co.lit("id,customer,plan,start_date,end_date,quantity,seats,currency,billing_anchor,launch_promo\n")
    var r = rng(1)
    let n = o.contracts
    let yearStart = CivilDate(year: ymd(asOf).year, month: 1, day: 1)!.dayNumber
    ctrCustomer.reserveCapacity(n)
    ctrPlan.reserveCapacity(n)
    ctrStart.reserveCapacity(n)
    ctrEnd.reserveCapacity(n)
    ctrSeats.reserveCapacity(n)
    var made = 0
    while made < n {
      let c = custCountry.count
      // Customer.
      let seg: Int = {
        let x = r.below(100)
        return x < 35 ? 0 : x < 65 ? 1 : x < 90 ? 2 : 3
      }()
      var pick = r.below(GenWords.countryTotal)
      var country = 0
      while pick >= GenWords.countries[country].weight {
        pick -= GenWords.countries[country].weight
        country += 1
      }
      let eu = GenWords.countries[country].eu
      let euro = eu && (seg != 0 || r.below(2) == 0)
      let style: UInt32 = r.below(40) == 0 ? 1 : r.below(150) == 0 ? 2 : 0
      let suffixes = GenWords.countries[country].suffixes.count
      custName.append(
        UInt32(r.below(GenWords.prefixes.count)) | UInt32(r.below(GenWords.nouns.count)) << 8
          | UInt32(r.below(suffixes)) << 16 | style << 24)
      custCountry.append(UInt8(country))
      custSegment.append(UInt8(seg))
      custEuro.append(euro)
      let hold = r.below(50) == 0
      let strategic = (seg == 1 || seg == 2) && r.below(33) == 0
      let litigation = r.below(200) == 0
      let dom = domain(c)
      try cu.row()
      cu.lit("cust-")
      cu.padded(c + 1, width: custWidth)
      cu.comma()
      cu.field(nameBytes(c))
      cu.comma()
      cu.lit(GenWords.segments[seg])
      cu.comma()
      cu.bytes(Array(GenWords.countries[country].code.utf8))
      cu.comma()
      cu.lit(euro ? "EUR" : "USD")
      cu.comma()
      cu.bytes(Array((seg == 0 ? "hello@" : "it@").utf8) + Array(dom.utf8))
      cu.comma()
      cu.bytes(Array((seg == 0 ? "billing@" : "accounts.payable@").utf8) + Array(dom.utf8))
      cu.comma()
      if seg >= 2 || (seg == 1 && r.below(3) == 0) {
        cu.bytes(Array((GenWords.owners[r.below(GenWords.owners.count)] + "@northwind-analytics.example").utf8))
      }
      cu.comma()
      cu.bytes(Array(GenWords.countries[country].phone.utf8))
      cu.uint(UInt64(200 + r.below(800)))
      cu.lit(" 555 ")
      cu.padded(r.below(10_000), width: 4)
      cu.comma()
      cu.lit(hold ? "true" : "false")
      cu.comma()
      cu.lit(strategic ? "true" : "false")
      cu.comma()
      cu.lit(litigation ? "true" : "false")
      cu.newline()

      // Its contracts: 1 (40%), 2 (20%) or 3 (40%), two on average.
      let k = min(n - made, [1, 1, 2, 3, 3][r.below(5)])
      for _ in 0..<k {
        let index = made
        made += 1
        var plan: GenPlan
        let x = r.below(100)
        if euro {
          switch seg {
          case 0, 1: plan = .teamEU
          case 2: plan = x < 80 ? .teamEU : .businessEU
          default: plan = x < 40 ? .teamEU : .businessEU
          }
        } else {
          switch seg {
          case 0: plan = x < 80 ? .starter : .team
          case 1: plan = x < 30 ? .starter : .team
          case 2: plan = x < 80 ? .team : .business
          default: plan = x < 40 ? .team : .business
          }
        }
        var start: Int32
        var end = Int32.max
        if index == 0 {
          // One Team contract active over the whole usage month, so events always have a contract.
          plan = euro ? .teamEU : .team
          start = asOf - 400 - Int32(r.below(300))
        } else {
          start = r.below(100) < 8 ? asOf - 1 - Int32(r.below(31)) : asOf - 32 - Int32(r.below(3 * 365))
          if r.below(100) < 6 { end = max(start, asOf - 45 + Int32(r.below(105))) }
        }
        var seats: Int32 = 0
        if plan.metersAPI {
          switch seg {
          case 0: seats = 1 + Int32(r.below(5))
          case 1: seats = 2 + Int32(r.below(14))
          case 2: seats = 10 + Int32(r.below(71))
          default: seats = 50 + Int32(r.below(351))
          }
        }
        var anchor: Int32? = nil
        if !plan.annual && ymd(start).day != 1 && r.below(20) == 0 {
          anchor = addMonths(CivilDate(dayNumber: start).startOfMonth.dayNumber, 1)
        }
        let promo = plan == .team && start >= yearStart && r.below(4) == 0
        ctrCustomer.append(Int32(c))
        ctrPlan.append(plan)
        ctrStart.append(start)
        ctrEnd.append(end)
        ctrSeats.append(seats)

        try co.row()
        co.lit("ctr-")
        co.padded(index + 1, width: ctrWidth)
        co.comma()
        co.lit("cust-")
        co.padded(c + 1, width: custWidth)
        co.comma()
        co.lit(plan.name)
        co.comma()
        date(start, co)
        co.comma()
        if end != Int32.max { date(end, co) }
        co.comma()
        co.comma()
        if plan.metersAPI { co.uint(UInt64(seats)) }
        co.comma()
        co.lit(plan.euro ? "EUR" : "USD")
        co.comma()
        if let anchor { date(anchor, co) }
        co.comma()
        co.lit(promo ? "true" : "false")
        co.newline()
      }
    }
    try cu.finish()
    try co.finish()
  }
}
