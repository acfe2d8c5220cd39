import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The folder a run or an experiment writes into, held for as long as the work runs.
///
/// A new piece of work never shares a folder: a default name gets `-2`, `-3`, … when the
/// timestamped one exists (claimed with `mkdir`, which fails for all but one process), and an
/// explicit `--out` that already holds a run, finished or interrupted, is refused before
/// anything in it is touched, unless `--force` says to start over there. Every claim takes an
/// exclusive lock on the folder (`flock` on `.collectsim.lock`, released when the process ends),
/// so a second process is refused while the first writes.
struct OutputFolder {
    let url: URL
    /// Kept open for the life of the process: closing it would release the lock.
    private let lock: Int32

    /// Files whose presence means the folder holds (part of) a run or an experiment.
    static let markers = ["scenario.resolved.yaml", "summary.json"]
    static let lockName = ".collectsim.lock"

    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// Claims a folder for new work: `explicit` (from `--out`) or a fresh variant of
    /// `defaultPath`. `workFolder` is the work's unfinished-state folder (`checkpoint`,
    /// `evaluations`); `command` is how to resume it (`collectsim run`).
    static func claimNew(explicit: String?, defaultPath: String, workFolder: String, force: Bool, command: String) throws -> OutputFolder {
        guard let explicit else { return try claimFresh(defaultPath) }
        let url = URL(fileURLWithPath: explicit)
        let fm = FileManager.default
        func held() -> Bool {
            markers.contains { fm.fileExists(atPath: url.appendingPathComponent($0).path) } || fm.fileExists(atPath: url.appendingPathComponent(workFolder).path)
        }
        // Refused before anything is written there, the lock file included.
        func refuseUnlessForced() throws {
            guard held() && !force else { return }
            if isComplete(url, workFolder: workFolder) {
                throw Refusal(description: "\(url.path) already holds a finished run; choose another --out, or add --force to replace it")
            }
            throw Refusal(description: "\(url.path) holds an unfinished run; finish it with `\(command) --resume \(url.path)`, "
                          + "choose another --out, or add --force to start over there")
        }
        try refuseUnlessForced()
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        let folder = try OutputFolder(locking: url)
        // Under the lock: a run that claimed the folder in between is refused the same way.
        try refuseUnlessForced()
        if held() {
            // Starting over: the old run's unfinished work must not be taken for this one's.
            try? fm.removeItem(at: url.appendingPathComponent(workFolder))
        }
        return folder
    }

    /// Claims an existing folder, to resume the work in it.
    static func claimExisting(_ path: String) throws -> OutputFolder {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Refusal(description: "\(url.path) is not a folder of CollectSim's")
        }
        return try OutputFolder(locking: url)
    }

    /// `path`, or `path-2`, `path-3`, … : the first that this process creates itself. The path
    /// comes from the scenario's `output.dir`, so it must stay inside the working directory
    /// once its links are followed (`checkInsideWorkingDirectory`).
    private static func claimFresh(_ path: String) throws -> OutputFolder {
        let parent = URL(fileURLWithPath: path).deletingLastPathComponent()
        try checkInsideWorkingDirectory(parent.path)
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        for n in 1...10_000 {
            let candidate = URL(fileURLWithPath: n == 1 ? path : "\(path)-\(n)")
            if mkdir(candidate.path, 0o755) == 0 { return try OutputFolder(locking: candidate) }
            guard errno == EEXIST else {
                throw Refusal(description: "cannot create \(candidate.path): \(String(cString: strerror(errno)))")
            }
        }
        throw Refusal(description: "cannot find a free folder name beside \(path)")
    }

    /// Refuses a path from a scenario (`output.dir`) that leads out of the working directory
    /// through a symbolic link: the scenario's text is checked when it is loaded, but a link on
    /// the way (`notebooks-out -> /etc`) is only seen here, where every existing component is
    /// resolved. A folder elsewhere is always reachable by naming it with `--out`.
    static func checkInsideWorkingDirectory(_ path: String) throws {
        let cwd = FileManager.default.currentDirectoryPath
        guard let root = realPath(cwd) else { return }
        // The deepest existing ancestor, resolved; what is below it does not exist yet, so it
        // holds no link.
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        var resolved = realPath(existing.path)
        while resolved == nil && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing = existing.deletingLastPathComponent()
            resolved = realPath(existing.path)
        }
        guard let resolved else { return }
        let full = ([resolved] + rest).joined(separator: "/")
        guard full == root || full.hasPrefix(root == "/" ? "/" : root + "/") else {
            throw Refusal(description: "the scenario's output.dir leads out of the working directory (\(root)) through a symbolic link: "
                          + "\(existing.path) is \(resolved); to write there, name the folder with --out")
        }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }

    private init(locking url: URL) throws {
        self.url = url
        let file = url.appendingPathComponent(Self.lockName).path
        let fd = open(file, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Refusal(description: "cannot open \(file): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw Refusal(description: "another collectsim process\(holder.isEmpty ? "" : " (pid \(holder))") is writing to \(url.path); "
                          + "wait for it, or choose another --out")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        lock = fd
    }
}
