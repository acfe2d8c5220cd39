import Foundation
import Storage
import Reports
#if canImport(Glibc)
import Glibc
#endif

/// A shard folder on disk: making it ready for a (re-)run, locking it while a task writes it,
/// and telling from the folder alone whether its shard is done, running, failed or missing —
/// Slurm's accounting is often closed to users, and the folder is what the merge reads anyway.
public enum ShardFolder {
    /// Names a shard folder may hold; `prepare` removes only these.
    static func isShardFile(_ name: String) -> Bool {
        name == ShardManifest.fileName || name == TallyRecords.fileName || name == "scenario.resolved.yaml"
            || name == ExperimentShard.folderName || (name.hasPrefix("accounts-r") && name.hasSuffix(".csv"))
            || AtomicFile.isStaleTemporary(name)
    }

    /// Makes `folder` ready for a fresh attempt: the manifest goes first, so that a folder being
    /// rewritten never looks complete, then what an earlier attempt left.
    public static func prepare(_ folder: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let manifest = folder.appendingPathComponent(ShardManifest.fileName)
        if fm.fileExists(atPath: manifest.path) { try fm.removeItem(at: manifest) }
        for name in try fm.contentsOfDirectory(atPath: folder.path) where isShardFile(name) {
            try fm.removeItem(at: folder.appendingPathComponent(name))
        }
    }

    /// The lock file of a shard folder: beside it (`.shard-0003-of-0016.lock`), so that the
    /// folder itself holds only the shard's reproducible bytes.
    static func lockFile(_ folder: URL) -> URL {
        folder.deletingLastPathComponent().appendingPathComponent(".\(folder.lastPathComponent).lock")
    }

    /// An exclusive lock on a shard folder for the life of a task (released when the process
    /// ends, however it ends).
    public final class Lock: @unchecked Sendable {
        let fd: Int32

        public struct Held: Error, CustomStringConvertible {
            public let description: String
        }

        public init(_ folder: URL) throws {
            let file = ShardFolder.lockFile(folder)
            try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
            fd = open(file.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw Held(description: "cannot open \(file.path): \(String(cString: strerror(errno)))") }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw Held(description: "another task is writing \(folder.path) (Slurm ran this shard twice?); this one leaves it to that task")
            }
        }

        deinit { close(fd) }
    }

    /// Whether a task holds the folder's lock now.
    static func isLocked(_ folder: URL) -> Bool {
        let fd = open(lockFile(folder).path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 { flock(fd, LOCK_UN); return false }
        return true
    }

    public enum State: Equatable, Sendable {
        /// Complete: its manifest is there and its payload files have the sizes it records.
        case done
        /// A task holds its lock.
        case running
        /// Started and not complete, and no task holds it: the task failed, was cancelled or
        /// ran out of time. `reason` says what the folder shows.
        case failed(reason: String)
        /// Never started (still queued, or never submitted).
        case missing
    }

    /// The state of the shard in `folder`, read from the folder only (checksums are left to the
    /// merge, which reads every byte anyway).
    public static func state(_ folder: URL) -> State {
        let fm = FileManager.default
        if isLocked(folder) { return .running }
        guard fm.fileExists(atPath: folder.path) else { return .missing }
        let manifestFile = folder.appendingPathComponent(ShardManifest.fileName)
        guard let data = fm.contents(atPath: manifestFile.path) else { return .failed(reason: "started, never finished") }
        guard let manifest = try? JSONDecoder().decode(ShardManifest.self, from: data) else { return .failed(reason: "shard.json is damaged") }
        for file in manifest.files {
            let size = (try? fm.attributesOfItem(atPath: folder.appendingPathComponent(file.name).path)[.size] as? Int) ?? nil
            if size != file.bytes { return .failed(reason: "\(file.name) is missing or of the wrong size") }
        }
        return .done
    }
}
