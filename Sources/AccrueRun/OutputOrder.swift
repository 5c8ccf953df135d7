import AccrueBilling
import AccrueCash
import AccrueCollections
import AccrueData
import AccrueLedger
import AccrueModel

/// The order results are written in, whatever the order of the data files' rows: what the engine computes does
/// not depend on that order, but some lists come out in it (collections goes through the customers as
/// customers.csv lists them). Each list is put in an order of stable keys here, at the output stage; a list
/// already in that order (the usual case: data files sorted by id) is left as it is, after one pass to check.
public enum OutputOrder {
  /// Reminders by customer id, then key (keys are unique).
  public static func sortReminders(_ list: inout [Reminder]) {
    sort(&list) { a, b in a.customerID != b.customerID ? a.customerID < b.customerID : a.key < b.key }
  }

  /// Invoices by issue date, customer id and contract id (billing's order), then key (unique).
  public static func sortInvoices(_ list: inout [PlannedInvoice]) {
    sort(&list) { a, b in
      if a.issueDate != b.issueDate { return a.issueDate < b.issueDate }
      if a.customerID != b.customerID { return a.customerID < b.customerID }
      if a.contractID != b.contractID { return a.contractID < b.contractID }
      return a.key < b.key
    }
  }

  /// Sorts by `less` unless already sorted, moving each element once (indices are sorted, not the elements).
  static func sort<T>(_ list: inout [T], by less: (T, T) -> Bool) {
    var sorted = true
    list.withUnsafeBufferPointer { b in
      for i in b.indices.dropFirst() where less(b[i], b[i - 1]) {
        sorted = false
        break
      }
    }
    if sorted { return }
    let order = list.withUnsafeBufferPointer { b in b.indices.sorted { less(b[$0], b[$1]) } }
    list = order.map { list[$0] }
  }
}
