import Foundation

/// A temporary file that exists only as an open descriptor: made in `TMPDIR` (else /tmp) and
/// unlinked at once, so nothing is left behind whatever happens to the process. A large book and
/// the sorted runs of its ids' keys are kept in such files.
///
/// Failing to make or write one is not bad input but a full or unwritable disk: the process
/// stops, saying which folder and what to do.
enum UnlinkedFile {
    /// A new file's descriptor and the name it had; `purpose` says in messages what it was for.
    static func make(prefix: String, purpose: String) -> (descriptor: Int32, name: String) {
        let dir = FileManager.default.temporaryDirectory.path
        var template = Array("\(dir)/\(prefix)-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else {
            fatalError("CollectSim could not make a temporary file in \(dir) \(purpose): \(String(cString: strerror(errno))); set TMPDIR to a writable folder")
        }
        let name = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        unlink(name)
        return (fd, name)
    }

    /// Writes all of `bytes` at byte `offset` of the file.
    static func write(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, at offset: Int, purpose: String) {
        var done = 0
        while done < bytes.count {
            let r = pwrite(descriptor, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else {
                fatalError("CollectSim could not write to a temporary file in \(FileManager.default.temporaryDirectory.path) \(purpose): "
                           + "\(String(cString: strerror(errno))); free some space or set TMPDIR to a larger folder")
            }
            done += r
        }
    }

    /// Reads the `count` bytes at byte `offset` of a file into `target`, however many reads that
    /// takes (any file, not only an unlinked one): the bytes read, and what stopped it short
    /// ("the file ends early", or the system's error), nil when all were read.
    static func read(into target: UnsafeMutableRawPointer, count: Int, from descriptor: Int32, at offset: Int) -> (read: Int, problem: String?) {
        var done = 0
        while done < count {
            let r = pread(descriptor, target + done, count - done, off_t(offset + done))
            if r < 0 && errno == EINTR { continue }
            guard r > 0 else { return (done, r == 0 ? "the file ends early" : String(cString: strerror(errno))) }
            done += r
        }
        return (done, nil)
    }
}
