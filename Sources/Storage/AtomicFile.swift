import Foundation

/// The one way CollectSim writes a file: to a temporary name in the same folder, flushed, then
/// renamed over the target. A reader never sees a truncated file, and an interrupted write
/// leaves the previous content (or nothing) in place.
public enum AtomicFile {
    /// `.NAME.tmp-PID-RANDOM`: the writer's process id and a random number, both decimal.
    static func temporaryName(for name: String) -> String {
        ".\(name).tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Whether `name` is a temporary file `write` made and a killed writer left behind: it has
    /// exactly the shape of `temporaryName`, and the process that made it has ended. A user's
    /// `.notes.tmp-draft`, or a file a live writer is still filling, is neither.
    public static func isStaleTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards), marker.lowerBound > name.index(after: name.startIndex) else {
            return false
        }
        let parts = name[marker.upperBound...].split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let pid = Int32(parts[0]), pid > 0, UInt32(parts[1]) != nil,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    public static func write(_ data: Data, to url: URL) throws {
        try write(to: url) { try $0.write(contentsOf: data) }
    }

    /// Writes `header` and then each of `files`' bytes to `target`, streaming, atomically.
    /// With `skippingMissing`, a file that does not exist adds nothing (a cluster shard without
    /// rows of some replication has no file for it); otherwise it is an error.
    public static func concatenate(_ files: [URL], header: String, to target: URL, skippingMissing: Bool = false) throws {
        try write(to: target) { out in
            try out.write(contentsOf: Data(header.utf8))
            for file in files {
                if skippingMissing && !FileManager.default.fileExists(atPath: file.path) { continue }
                let input = try FileHandle(forReadingFrom: file)
                defer { try? input.close() }
                while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
            }
        }
    }

    /// Writes through `body`, which may stream any amount into the handle, then renames into
    /// place. A failed write is a `FileWriteError` naming `url`; the target is untouched.
    public static func write(to url: URL, _ body: (FileHandle) throws -> Void) throws {
        let stream = try Stream(url)
        do {
            try body(stream.handle)
        } catch {
            stream.abandon()
            throw FileWriteError.isWriteFailure(error) ? FileWriteError.from(error, path: url.path) : error
        }
        try stream.commit()
    }

    /// A file written piece by piece under a temporary name and put in place by `commit()`;
    /// until then (and after `abandon()`) the target is untouched.
    public final class Stream: @unchecked Sendable {
        public let url: URL
        let temp: URL
        let handle: FileHandle

        /// Errors are `FileWriteError`s naming the target and what happened.
        public init(_ url: URL) throws {
            self.url = url
            let dir = url.deletingLastPathComponent()
            do { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
                throw FileWriteError.from(error, path: dir.path)
            }
            temp = dir.appendingPathComponent(AtomicFile.temporaryName(for: url.lastPathComponent))
            let fd = open(temp.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                throw FileWriteError.from(NSError(domain: NSPOSIXErrorDomain, code: Int(errno)), path: url.path)
            }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        }

        public func write(_ data: Data) throws {
            do { try handle.write(contentsOf: data) } catch { throw FileWriteError.from(error, path: url.path) }
        }

        /// Flushes the file to disk and renames it over the target.
        public func commit() throws {
            do {
                try handle.synchronize()
                try handle.close()
                if rename(temp.path, url.path) != 0 {
                    throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno))
                }
            } catch {
                abandon()
                throw FileWriteError.from(error, path: url.path)
            }
        }

        /// Removes the temporary file; the target keeps what it held.
        public func abandon() {
            try? handle.close()
            try? FileManager.default.removeItem(at: temp)
        }
    }
}
