import AccrueModel
import Foundation

/// Locating a table's file in a data folder.
public enum DataFolder {
  /// Finds NAME.csv / NAME.json / NAME.jsonl in dir: nil when none, a D0103 issue when more than one.
  ///
  /// Names are matched exactly (case-sensitive). An entry that exists but is not a readable regular file
  /// is still returned; reading it then reports D0103.
  public static func find(_ name: String, in dir: String) -> Result<TableFile?, DataIssue> {
    let fm = FileManager.default
    var found: [TableFile] = []
    for format in [DataFormat.csv, .json, .jsonl] {
      let path = join(dir, name + "." + format.rawValue)
      if fm.fileExists(atPath: path) { found.append(TableFile(path: path, format: format)) }
    }
    if found.count > 1 {
      let names = found.map { ($0.path as NSString).lastPathComponent }
      let list = names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
      return .failure(
        DataIssue(
          code: "D0103", file: found[0].path, line: 0, column: 0,
          message: "table '\(name)' is given in several formats (\(list)); keep only one"))
    }
    return .success(found.first)
  }

  /// Whether the table is given in any format.
  public static func exists(_ name: String, in dir: String) -> Bool {
    [DataFormat.csv, .json, .jsonl].contains { FileManager.default.fileExists(atPath: join(dir, name + "." + $0.rawValue)) }
  }

  /// `dir/name`, without doubling a trailing slash.
  public static func join(_ dir: String, _ name: String) -> String {
    if dir.isEmpty { return name }
    return dir.hasSuffix("/") ? dir + name : dir + "/" + name
  }
}
