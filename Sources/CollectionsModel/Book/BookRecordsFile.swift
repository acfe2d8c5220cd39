import Foundation

/// The file a cluster job carries its book in (`slurm/book.records`): the book as checked when
/// the job was prepared, so that each shard reads only its own accounts' records and no shard
/// reads or checks the CSV again.
///
/// Layout: the 8 bytes `CSBOOK1\n`; the length L of the header as 8 bytes, little-endian; L
/// bytes of JSON (`Header`: the book's facts and each block's checksum); zeros up to a multiple
/// of 64 bytes; then `accounts` records of 56 bytes (`BookRecord`, little-endian). Blocks are
/// `blockRecords` records, as the engine's; a block's checksum is `checksum(_:)` of its bytes.
public enum BookRecordsFile {
    public static let magic = Array("CSBOOK1\n".utf8)
    public static let blockRecords = 1024

    struct Header: Codable {
        var format = "collectsim book records"
        var recordBytes: Int
        var blockRecords: Int
        var accounts: Int
        var path: String
        var sha256: String
        var hasRiskScore: Bool
        var hasReach: Bool
        var ignoredColumns: [String]
        var lowestDPD: Int32?
        var highestDPD: Int32?
        var profiles: [UInt64]
        var sample: SampleFacts?
        /// Each block's checksum, as 16 hexadecimal digits.
        var checksums: [String]

        struct SampleFacts: Codable {
            var fileAccounts: Int
            var strata: Int
            var lowestWeight: Double
            var highestWeight: Double
            var fileRows: [Int32]
        }

        enum CodingKeys: String, CodingKey {
            case format, recordBytes = "record_bytes", blockRecords = "block_records", accounts, path, sha256
            case hasRiskScore = "has_risk_score", hasReach = "has_reach", ignoredColumns = "ignored_columns"
            case lowestDPD = "lowest_dpd", highestDPD = "highest_dpd", profiles, sample, checksums
        }
    }

    /// A word-wise FNV-1a-style hash of records' bytes (7 words a record), finished by the
    /// SplitMix64 mixer: any changed byte changes it.
    public static func checksum(_ records: UnsafeBufferPointer<BookRecord>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        UnsafeRawBufferPointer(records).withMemoryRebound(to: UInt64.self) { words in
            for w in words { h = (h ^ w) &* 0x0000_0100_0000_01B3 }
        }
        h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
        h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
        return h ^ (h >> 31)
    }

    /// Writes `book` through `write` (called with successive pieces of the file).
    public static func write(_ book: AccountBook, to write: (Data) throws -> Void) throws {
        var checksums: [String] = []
        book.forEachBlock { _, records in
            var k = 0
            while k < records.count {
                let n = min(blockRecords, records.count - k)
                checksums.append(String(format: "%016llx", checksum(UnsafeBufferPointer(rebasing: records[k..<(k + n)]))))
                k += n
            }
        }
        let header = Header(recordBytes: BookFile.stride, blockRecords: blockRecords, accounts: book.count, path: book.path,
                            sha256: book.sha256, hasRiskScore: book.hasRiskScore, hasReach: book.hasReach,
                            ignoredColumns: book.ignoredColumns, lowestDPD: book.dpdRange?.lowerBound,
                            highestDPD: book.dpdRange?.upperBound, profiles: book.profiles.map(\.packed),
                            sample: book.sample.map {
                                .init(fileAccounts: $0.fileAccounts, strata: $0.strata, lowestWeight: $0.weightRange.lowerBound,
                                      highestWeight: $0.weightRange.upperBound, fileRows: $0.fileRows)
                            },
                            checksums: checksums)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        var head = Data(magic)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { head.append(contentsOf: $0) }
        head.append(json)
        head.append(Data(count: (64 - head.count % 64) % 64))
        try write(head)
        try book.forEachBlock { _, records in try write(Data(buffer: records)) }
    }

    /// What is wrong with a records file.
    public struct Problem: Error, CustomStringConvertible {
        public let file: String
        public let message: String
        /// The message names the file.
        public var description: String { message }
    }

    /// Opens the records file at `url` as a book. Only the header and the file's size are
    /// checked here; each block is checked against its checksum when it is read
    /// (`AccountBook.verify` checks a range at once).
    /// `sourcePath` is the portfolio file the book stands for (nil: the one it was made from).
    public static func open(_ url: URL, sourcePath: String? = nil) throws -> AccountBook {
        let name = url.path
        func problem(_ m: String) -> Problem { Problem(file: name, message: "the book records file \(name) \(m)") }
        let fd = Foundation.open(name, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw problem("cannot be opened: \(String(cString: strerror(errno)))") }
        var owned = true
        defer { if owned { close(fd) } }
        func bytes(_ n: Int, at offset: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: n)
            let r = out.withUnsafeMutableBytes { UnlinkedFile.read(into: $0.baseAddress!, count: n, from: fd, at: offset).read }
            guard r == n else { throw problem("ends inside its header (\(r) of \(n) bytes at byte \(offset)); prepare the job again") }
            return out
        }
        guard try bytes(8, at: 0) == magic else { throw problem("is not a CollectSim book records file (it does not start with CSBOOK1)") }
        let length = try bytes(8, at: 8).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        guard length > 0 && length < 1 << 31 else { throw problem("has a header length of \(length) bytes, which no records file has") }
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: Data(try bytes(length, at: 16))) } catch let p as Problem { throw p } catch {
            throw problem("has a header that is not the JSON CollectSim writes: \(error)")
        }
        guard header.recordBytes == BookFile.stride, header.blockRecords == blockRecords else {
            throw problem("holds records of \(header.recordBytes) bytes in blocks of \(header.blockRecords); this CollectSim reads \(BookFile.stride) in blocks of \(blockRecords) (prepare the job again with it)")
        }
        let blocks = (header.accounts + blockRecords - 1) / blockRecords
        let checksums = header.checksums.compactMap { UInt64($0, radix: 16) }
        guard header.accounts > 0, checksums.count == blocks, header.checksums.count == blocks else {
            throw problem("names \(header.accounts) accounts with \(header.checksums.count) block checksums; expected one checksum per \(blockRecords) accounts")
        }
        let offset = (16 + length + 63) / 64 * 64
        var info = stat()
        guard fstat(fd, &info) == 0, Int(info.st_size) == offset + header.accounts * BookFile.stride else {
            throw problem("is \(info.st_size) bytes; its header says \(offset + header.accounts * BookFile.stride) (\(header.accounts) accounts); the file was cut short or changed")
        }
        let file = BookFile(descriptor: fd, offset: offset, count: header.accounts, name: name, checksums: checksums)
        owned = false
        let range = header.lowestDPD.flatMap { lo in header.highestDPD.map { lo...max(lo, $0) } }
        let sample = header.sample.map {
            AccountBook.Sample(fileAccounts: $0.fileAccounts, strata: $0.strata, weightRange: $0.lowestWeight...max($0.lowestWeight, $0.highestWeight),
                               fileRows: $0.fileRows)
        }
        return AccountBook(storage: .file(file), count: header.accounts, path: sourcePath ?? header.path, sha256: header.sha256,
                           hasRiskScore: header.hasRiskScore, hasReach: header.hasReach, ignoredColumns: header.ignoredColumns,
                           dpdRange: range, profiles: header.profiles.map(AccountBook.Profile.init(packed:)), sample: sample)
    }
}

extension AccountBook.Profile {
    init(packed: UInt64) { self.packed = packed }
}

extension AccountBook {
    /// Reads accounts `range` and checks each whole block of them against the checksum it was
    /// written with (a book read from a records file; others have nothing to check).
    public func verify(_ range: Range<Int>) throws {
        guard case .file(let file) = storage, !file.checksums.isEmpty, !range.isEmpty else { return }
        let block = BookRecordsFile.blockRecords
        let first = range.lowerBound / block * block
        let last = min(count, (range.upperBound + block - 1) / block * block)
        let buffer = UnsafeMutableBufferPointer<BookRecord>.allocate(capacity: 64 * block)
        defer { buffer.deallocate() }
        var lo = first
        while lo < last {
            let hi = min(last, lo + 64 * block)
            if let message = file.readChecked(lo..<hi, into: buffer.baseAddress!) {
                throw BookRecordsFile.Problem(file: file.name, message: message)
            }
            lo = hi
        }
    }
}
