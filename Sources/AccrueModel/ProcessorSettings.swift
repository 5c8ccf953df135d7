import AccrueCore

/// What the rules say about one payment processor's exports (`processor stripe { ... }`, grammar.md §8.2): where
/// its charges carry Accrue's invoice number and how long its payouts take to reach the bank. Without a block,
/// `ProcessorSettings.defaults(for:)`: the export's `invoice_number` column and 5 calendar days.
public struct ProcessorSettings: Sendable, Hashable {
  /// The processor, lower case (`stripe`).
  public var processor: String
  /// The `payment_metadata[KEY]` column that holds the invoice number (nil: the `invoice_number` column).
  public var invoiceMetadataKey: String?
  /// Days after a payout's date (`automatic_payout_effective_at`) its bank credit may be booked on.
  public var windowDays: Int
  /// Whether `windowDays` counts business days (of `calendar`; else every day).
  public var businessDays: Bool
  /// The name of the rules' calendar business days are counted on (nil: Saturday and Sunday off, no holidays).
  public var calendar: String?
  /// Where the block is (nil: not stated, the defaults).
  public var rule: RuleRef?
  /// Where `invoice number from metadata` and the window are stated (nil: the default).
  public var invoiceRule: RuleRef?
  public var windowRule: RuleRef?

  /// The window when the rules say nothing: 5 calendar days.
  public static let defaultWindowDays = 5

  public init(
    processor: String, invoiceMetadataKey: String? = nil, windowDays: Int = ProcessorSettings.defaultWindowDays,
    businessDays: Bool = false, calendar: String? = nil
  ) {
    self.processor = processor
    self.invoiceMetadataKey = invoiceMetadataKey
    self.windowDays = windowDays
    self.businessDays = businessDays
    self.calendar = calendar
  }

  /// The settings when the rules have no block for the processor.
  public static func defaults(for processor: String) -> ProcessorSettings { ProcessorSettings(processor: processor) }

  /// The processors whose exports Accrue reads (`processors/NAME-*.csv`).
  public static let known = ["stripe"]

  /// "5 days", "3 business days", "1 business day".
  public var windowText: String {
    (businessDays ? "\(windowDays) business day" : "\(windowDays) day") + (windowDays == 1 ? "" : "s")
  }

  /// The last day a payout dated `date` may reach the bank: `windowDays` days after it, or that many business
  /// days of `calendar` (a payout dated on a weekend or holiday counts from the next business day).
  public func lastDay(after date: CivilDate, calendar cal: BusinessCalendar) -> CivilDate {
    if businessDays { return cal.adding(businessDays: windowDays, to: date) ?? date }
    return date.adding(days: windowDays) ?? date
  }
}
