import Foundation

/// Accounts of a book kept in a file rather than in memory (`AccountBook`), read back a block
/// at a time with `pread`, which any number of threads may call at once.
///
/// Two kinds: the temporary file a large book is written to as it is read (unlinked as soon as
/// it is made, so nothing is left behind whatever happens to the process), and a records file
/// a cluster job was prepared with (`BookRecordsFile`), whose blocks carry checksums.
final class BookFile: Sendable {
    let descriptor: Int32
    /// Byte offset of the first record.
    let offset: Int
    /// How messages name the file.
    let name: String
    /// Checksum of each block of `BookRecordsFile.blockRecords` records (empty: not checked).
    let checksums: [UInt64]
    /// Records in the file.
    let count: Int

    init(descriptor: Int32, offset: Int, count: Int, name: String, checksums: [UInt64] = []) {
        self.descriptor = descriptor; self.offset = offset; self.count = count; self.name = name; self.checksums = checksums
    }

    deinit { close(descriptor) }

    static let stride = MemoryLayout<BookRecord>.stride

    /// Reads records `range` into `target`. A file that cannot be read, or a checked block whose
    /// bytes no longer match its checksum, stops the process with a message naming the file:
    /// the book was checked before the run began, so this is a failing disk or a file changed
    /// under a running job, and no result can be trusted.
    func read(_ range: Range<Int>, into target: UnsafeMutablePointer<BookRecord>) {
        if let problem = readChecked(range, into: target) { fatalError(problem) }
    }

    /// `read`, returning what went wrong instead of stopping.
    func readChecked(_ range: Range<Int>, into target: UnsafeMutablePointer<BookRecord>) -> String? {
        if let problem = UnlinkedFile.read(into: target, count: range.count * Self.stride, from: descriptor,
                                           at: offset + range.lowerBound * Self.stride).problem {
            return "CollectSim could not read accounts \(range.lowerBound + 1)–\(range.upperBound) of the book from \(name): \(problem)"
        }
        guard !checksums.isEmpty else { return nil }
        // Blocks the range holds whole are checked (the engine and `forEachBlock` read whole blocks).
        let block = BookRecordsFile.blockRecords
        for b in (range.lowerBound + block - 1) / block..<checksums.count {
            let lo = b * block, hi = min(lo + block, count)
            guard hi <= range.upperBound else { break }
            let sum = BookRecordsFile.checksum(UnsafeBufferPointer(start: target + (lo - range.lowerBound), count: hi - lo))
            guard sum == checksums[b] else {
                return "the book's records file \(name) has changed since the job was prepared: accounts \(lo + 1)–\(hi) "
                    + "(block \(b + 1) of \(checksums.count)) do not match their checksum; prepare the job again (collectsim slurm)"
            }
        }
        return nil
    }

    /// Writes records to a new temporary file, unlinked at once (`UnlinkedFile`).
    struct Writer {
        /// Records gathered in memory between writes.
        static let batch = 1 << 16
        let descriptor: Int32
        let name: String
        private(set) var count = 0

        init() { (descriptor, name) = UnlinkedFile.make(prefix: "collectsim-book", purpose: "for a large book") }

        mutating func append(_ records: [BookRecord]) {
            records.withUnsafeBytes {
                UnlinkedFile.write($0, to: descriptor, at: count * BookFile.stride, purpose: "for a large book")
            }
            count += records.count
        }

        func finish() -> BookFile { BookFile(descriptor: descriptor, offset: 0, count: count, name: "a temporary file (\(name), unlinked)") }
    }
}
