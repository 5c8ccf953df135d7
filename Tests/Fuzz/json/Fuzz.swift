/// libFuzzer entry point of the `json` target: the bytes as a JSON array and as JSON Lines of a table of a few
/// typed columns, each read with two buffer sizes (`ImportFuzzChecks.json`, Tests/AccrueImportTests/FuzzChecks.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let problems = ImportFuzzChecks.json(bytes)
  if !problems.isEmpty { fatalError("fuzz json: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
