import Dispatch
import Foundation

/// Hands a worker to its thread. Its state is touched by that thread alone until the join.
final class WorkerBox: @unchecked Sendable {
  let state: CheckerState
  init(_ s: CheckerState) { state = s }
}

extension CheckerState {
  /// Checks the metrics and the second half of every kind of block on a second thread, while this one checks
  /// the first half of the cadences and match rules, then (once the metrics are known) of the plans. Safe
  /// because every `let` and `define` is already checked (their entries are only read from now on), only plans
  /// read the metrics' kinds (`metricTypes`, taken from the worker once it signals), and each worker keeps its
  /// own types, resolutions, diagnostics and usage marks, merged afterwards.
  func checkBlocksInParallel() {
    let other = fork()
    // A metric costs about an eighth of a plan to check: the worker, which checks them, takes that many fewer plans.
    let ps = min(plans.count, (plans.count + metrics.count / 8) / 2)
    let (cs, ms) = (cadences.count / 2, matches.count / 2)
    let (pe, ce, me) = (plans.count, cadences.count, matches.count)
    let box = WorkerBox(other)
    let metricsDone = DispatchSemaphore(value: 0)
    let done = DispatchSemaphore(value: 0)
    let count = types.count
    let thread = Thread {
      let w = box.state
      w.types = [ValueType](repeating: .error, count: count)
      w.resolutions = [Resolution?](repeating: nil, count: count)
      w.logsWrites = true
      for i in w.metrics.indices { w.checkMetric(w.metrics[i], i) }
      metricsDone.signal()
      w.checkBlocks(plans: ps..<pe, cadences: cs..<ce, matches: ms..<me)
      done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    checkBlocks(plans: 0..<0, cadences: 0..<cs, matches: 0..<ms)
    metricsDone.wait()
    metricTypes = other.metricTypes
    checkBlocks(plans: 0..<ps, cadences: 0..<0, matches: 0..<0)
    done.wait()
    // Merge the other worker's results.
    // Only what the worker wrote differs from its fresh tables (`.error`, nil), so only that is copied.
    for id in other.written {
      let i = Int(id)
      if case .error = other.types[i] {} else { types[i] = other.types[i] }
      if let r = other.resolutions[i] { resolutions[i] = r }
    }
    for i in ps..<pe { plans[i] = other.plans[i] }
    for i in cs..<ce { cadences[i] = other.cadences[i] }
    for i in ms..<me { matches[i] = other.matches[i] }
    diags.append(contentsOf: other.diags)
    metricUsed.formUnion(other.metricUsed)
    calendarUsed.formUnion(other.calendarUsed)
    usedLets.formUnion(other.usedLets)
    usedDefines.formUnion(other.usedDefines)
  }

  /// A second worker sharing this one's declarations (read-only from here on) with fresh results.
  func fork() -> CheckerState {
    let w = CheckerState(copying: self)
    return w
  }
}
