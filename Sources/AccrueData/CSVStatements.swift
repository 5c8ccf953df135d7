import AccrueImport
import AccrueModel

extension CashFiles {
  /// A statement CSV of `statements/`, read with the rules' statement format whose `files` match its name
  /// (`MappedCSV`, grammar.md 8.1). Its problems (no format or two for the name, a missing column, each bad cell)
  /// are added to `issues`, and it then holds no statements.
  static func readCSV(_ path: String, _ formats: [StatementFormat], _ issues: inout [DataIssue]) -> Result<[BankStatement], BankImportError> {
    switch MappedCSV.format(for: path, among: formats) {
    case .failure(let i):
      issues.append(i)
      return .success([])
    case .success(let format):
      switch MappedCSV.read(path: path, format: format) {
      case .success(let statements): return .success(statements)
      case .failure(let e):
        issues += e.issues
        return .success([])
      }
    }
  }
}
