/// libFuzzer entry point of the `rules` target: the bytes as one rule file, loaded, checked and, when clean,
/// compiled (`FrontendFuzzChecks.rules`, Tests/AccrueFrontendTests/FuzzChecks.swift).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let problems = FrontendFuzzChecks.rules(bytes)
  if !problems.isEmpty { fatalError("fuzz rules: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
