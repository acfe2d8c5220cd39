import Foundation

/// Whether a path given as an input (a scenario, portfolio, history or observed file) can be
/// read as one, said in a user's terms. Checked before any byte is read: reading a pipe would
/// block until something writes to it, and a device may never end.
public enum InputFile {
    /// What is wrong with an input path, in a user's words.
    public struct Problem: Error {
        public let message: String
    }

    /// The size in bytes of the readable regular file at `path` (links followed), or a
    /// `Problem` saying what is wrong. `what` names the file's role ("scenario", "portfolio", …).
    public static func size(at path: String, what: String) throws -> Int {
        var info = stat()
        if let message = problem(at: path, what: what, info: &info) { throw Problem(message: message) }
        return Int(info.st_size)
    }

    /// What is wrong with `path`, or nil; `info` receives what `stat` says of it.
    static func problem(at path: String, what: String, info: inout stat) -> String? {
        guard stat(path, &info) == 0 else {
            switch errno {
            case ENOENT: return "there is no such \(what) file"
            case ENOTDIR: return "a part of the path that should be a folder is a file"
            case EACCES: return "permission denied: a folder on the path cannot be searched"
            case ENAMETOOLONG: return "the path is too long for this file system"
            case ELOOP: return "the path has a loop of symbolic links"
            default: return "cannot read the \(what) file: \(String(cString: strerror(errno)))"
            }
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: return "this is a folder, not a \(what) file"
        case S_IFIFO: return "this is a pipe (FIFO), not a \(what) file; save what it carries to a file and give that"
        case S_IFCHR, S_IFBLK: return "this is a device, not a \(what) file"
        case S_IFSOCK: return "this is a socket, not a \(what) file"
        default: return "this is not a regular file, so it cannot be a \(what) file"
        }
        guard access(path, R_OK) == 0 else { return "permission denied: the \(what) file cannot be read by this user" }
        return nil
    }

    /// The bytes of the file at `path`, or an error naming the file and what is wrong with it.
    public static func read(_ path: String, what: String) throws -> Data {
        do { _ = try size(at: path, what: what) } catch let p as Problem {
            throw ScenarioError(file: path, line: 0, column: 0, field: "", message: p.message)
        }
        do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ScenarioError(file: path, line: 0, column: 0, field: "", message: "cannot read the \(what) file: \(String(cString: strerror(errno)))")
        }
    }
}
