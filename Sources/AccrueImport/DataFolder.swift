import AccrueModel

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// Locating a table's file in a data folder.
///
/// A name is absent only when there is no such entry (`ENOENT` from `lstat`). Anything else that exists but cannot
/// be read, a symbolic link to nothing, a folder where a file belongs, a file that cannot be opened, is an error
/// (D0103): a run never goes on as if a file it cannot read were not there.
public enum DataFolder {
  /// Finds NAME.csv / NAME.json / NAME.jsonl in dir: nil when none, a D0103 issue when more than one, or when the
  /// one given cannot be read (`probe`).
  ///
  /// Names are matched exactly (case-sensitive).
  /// The table `name` of `dir`, nil when there is none; one that is there but cannot be read adds its issue
  /// to `issues` (and is nil too).
  public static func find(_ name: String, in dir: String, _ issues: inout [DataIssue]) -> TableFile? {
    switch find(name, in: dir) {
    case .success(let f): return f
    case .failure(let i):
      issues.append(i)
      return nil
    }
  }

  public static func find(_ name: String, in dir: String) -> Result<TableFile?, DataIssue> {
    var found: [(TableFile, Probe)] = []
    for format in [DataFormat.csv, .json, .jsonl] {
      let path = join(dir, name + "." + format.rawValue)
      let p = probe(path, folder: false)
      if p != .absent { found.append((TableFile(path: path, format: format), p)) }
    }
    if found.count > 1 {
      let names = found.map { ($0.0.path as NSString).lastPathComponent }
      let list = names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
      return .failure(
        DataIssue(
          code: "D0103", file: found[0].0.path, line: 0, column: 0,
          message: "table '\(name)' is given in several formats (\(list)); keep only one"))
    }
    guard let (file, p) = found.first else { return .success(nil) }
    if case .unreadable(let why) = p { return .failure(unreadable(file.path, why)) }
    return .success(file)
  }

  /// Whether the table is given in any format (readable or not).
  public static func exists(_ name: String, in dir: String) -> Bool {
    [DataFormat.csv, .json, .jsonl].contains { probe(join(dir, name + "." + $0.rawValue), folder: false) != .absent }
  }

  /// `dir/name`, without doubling a trailing slash.
  public static func join(_ dir: String, _ name: String) -> String {
    if dir.isEmpty { return name }
    return dir.hasSuffix("/") ? dir + name : dir + "/" + name
  }

  /// The D0103 issue of an entry that exists but cannot be read.
  public static func unreadable(_ path: String, _ why: String) -> DataIssue {
    DataIssue(code: "D0103", file: path, line: 0, column: 0, message: why)
  }

  // MARK: Probing one entry

  /// What is at a path.
  public enum Probe: Sendable, Equatable {
    /// No such entry (`ENOENT`; a symbolic link to nothing is not absent).
    case absent
    /// A file (or folder, when one was asked for) that opens.
    case present
    /// It exists but cannot be read: why, as a sentence that says what to do.
    case unreadable(String)
  }

  /// What is at `path`: absent only on `ENOENT` from `lstat`. A symbolic link is followed (one to nothing, or
  /// looping, is unreadable); a folder where a file belongs (or a file where a folder belongs) is unreadable; a
  /// regular file must open for reading. Pipes and devices are left to the reader (opening a pipe waits for its
  /// writer).
  public static func probe(_ path: String, folder: Bool) -> Probe {
    let name = (path as NSString).lastPathComponent
    var st = stat()
    if lstat(path, &st) != 0 {
      let e = errno
      if e == ENOENT { return .absent }
      return .unreadable("cannot look for \(name): \(message(e))")
    }
    if (st.st_mode & S_IFMT) == S_IFLNK {
      let target = linkTarget(path)
      if stat(path, &st) != 0 {
        let e = errno
        let shown = target.map { " to '\($0)'" } ?? ""
        if e == ENOENT {
          return .unreadable(
            "\(name) is a symbolic link\(shown), which does not exist: restore the \(folder ? "folder" : "file") it points to, "
              + "or remove the link if there is no such data")
        }
        if e == ELOOP { return .unreadable("\(name) is a symbolic link\(shown) that loops: point it at the real \(folder ? "folder" : "file")") }
        return .unreadable("\(name) is a symbolic link\(shown) that cannot be followed: \(message(e))")
      }
    }
    let kind = st.st_mode & S_IFMT
    if folder {
      guard kind == S_IFDIR else {
        return .unreadable("\(name) is not a folder: statement files go in a folder named \(name)/; move the file into one, or remove it")
      }
      return .present
    }
    if kind == S_IFDIR {
      return .unreadable("\(name) is a folder, not a file: move the folder away, or put the file in its place")
    }
    if kind == S_IFREG {
      let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
      guard fd >= 0 else { return .unreadable("cannot open \(name): \(message(errno)) (the run needs to read it)") }
      close(fd)
    }
    return .present
  }

  /// The text of an errno value.
  static func message(_ e: Int32) -> String { Errno(code: e).message }

  /// Where a symbolic link points, as written in it.
  private static func linkTarget(_ path: String) -> String? {
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink(path, &buf, buf.count - 1)
    guard n > 0 else { return nil }
    return String(decoding: buf[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// A whole file's bytes, or the errno that stopped reading it.
  public static func readWhole(_ path: String) -> Result<[UInt8], Errno> {
    let fd = path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
    guard fd >= 0 else { return .failure(Errno(code: errno)) }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        return .failure(Errno(code: errno))
      }
      if n == 0 { return .success(out) }
      out.append(contentsOf: chunk[..<n])
      if chunk.count < 1 << 22 { chunk = [UInt8](repeating: 0, count: chunk.count * 2) }
    }
  }

  // MARK: Folders

  /// The names in a folder (without `.` and `..`), or the error that stopped the listing.
  public static func list(_ path: String) -> Result<[String], Errno> {
    guard let d = opendir(path) else { return .failure(Errno(code: errno)) }
    defer { closedir(d) }
    var names: [String] = []
    while true {
      errno = 0
      guard let entry = readdir(d) else {
        if errno != 0 { return .failure(Errno(code: errno)) }
        break
      }
      let name = withUnsafePointer(to: entry.pointee.d_name) {
        $0.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return .success(names)
  }

  /// The statement files of a data folder's `statements/` subfolder, in name order (names starting with `.` are
  /// left out): none when there is no such entry; a D0103 issue when it exists but is not a folder that lists
  /// (a symbolic link to nothing, a file, no permission, too many open files...). `list` lists a folder (for
  /// tests: a listing that fails).
  public static func statementFiles(
    in folder: String, list: (String) -> Result<[String], Errno> = DataFolder.list
  ) -> Result<[String], DataIssue> {
    let dir = join(folder, "statements")
    switch probe(dir, folder: true) {
    case .absent: return .success([])
    case .unreadable(let why): return .failure(unreadable(dir, why))
    case .present: break
    }
    switch list(dir) {
    case .failure(let err):
      let e = err.code
      return .failure(
        unreadable(dir, "cannot list the statement files in statements/: \(message(e))" + (e == EMFILE || e == ENFILE ? " (too many files open: raise the limit, ulimit -n, and run again)" : "")))
    case .success(let names):
      return .success(names.filter { !$0.hasPrefix(".") }.sorted().map { join(dir, $0) })
    }
  }
}
