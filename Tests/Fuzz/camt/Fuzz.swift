/// libFuzzer entry point of the `camt` target: the bytes as a bank statement file, read by
/// `BankStatements.parse` as `accrue import` reads it (`ImportFuzzChecks.bank`,
/// Tests/AccrueImportTests/FuzzChecks.swift). An input the format detection gives to another reader is not
/// this target's: it is left out of the corpus (-1).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
  guard ImportFuzzChecks.isBank(bytes, "camt") else { return -1 }
  let problems = ImportFuzzChecks.bank(bytes)
  if !problems.isEmpty { fatalError("fuzz camt: " + problems.prefix(5).joined(separator: "; ")) }
  return 0
}
