/// libFuzzer entry point of the `csv` target: the bytes as a CSV table of a few typed columns, read by the
/// general reader (two buffer sizes) and by the fast path of whole-table reads (`ImportFuzzChecks.csv`,
/// Tests/AccrueImportTests/FuzzChecks.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let problems = ImportFuzzChecks.csv(bytes)
  if !problems.isEmpty { fatalError("fuzz csv: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
