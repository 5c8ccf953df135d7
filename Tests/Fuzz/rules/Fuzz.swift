/// libFuzzer entry point of the `rules` target: the bytes as one rule file, loaded, checked and, when clean,
/// compiled (`FrontendFuzzChecks.rules`, Tests/AccrueFrontendTests/FuzzChecks.swift), on a thread with a
/// 256 MB stack (`FrontendFuzzChecks.fuzzStack`): AddressSanitizer's frames are several times larger than a
/// shipped build's, so the 8 MB the command line has would end far short of the parser's 500-level cap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let problems = FrontendFuzzChecks.onThread(stackSize: FrontendFuzzChecks.fuzzStack) { FrontendFuzzChecks.rules(bytes) }
  if !problems.isEmpty { fatalError("fuzz rules: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
