/// libFuzzer entry point of the `fmt` target: the bytes as one rule file, formatted; a file that formats must
/// format again to itself with the same tokens and comments (`FrontendFuzzChecks.fmt`,
/// Tests/AccrueFrontendTests/FuzzChecks.swift), on a thread with a 256 MB stack, as for `rules`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  let problems = FrontendFuzzChecks.onThread(stackSize: FrontendFuzzChecks.fuzzStack) { FrontendFuzzChecks.fmt(bytes) }
  if !problems.isEmpty { fatalError("fuzz fmt: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
