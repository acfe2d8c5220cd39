import CollectionsModel
import Engine
import Foundation

/// `tallies.bin`, a run shard's payload: the shard's work units as tallies, in unit order, in
/// the shapes `ReplicationFold` adds up — one record per whole chunk the shard holds (the
/// chunk's sum) and one per block of a chunk the shard's range cuts.
///
/// Layout (all integers unsigned 64-bit little endian, values IEEE-754 bit patterns):
/// the magic line, the strategy count S and values per tally V, then per record its kind
/// (1 chunk, 2 block), replication and first block, then S × V values (`Tally.encoded()`).
public enum TallyRecords {
    public static let fileName = "tallies.bin"
    static let magic = Array("CollectSim shard tallies 2\n".utf8)

    public enum Kind: UInt64, Sendable { case chunk = 1, block = 2 }

    public struct Record: Sendable {
        public let kind: Kind
        public let replication: Int
        public let firstBlock: Int
        public let tallies: [Tally]
    }

    static func header(strategies: Int, valuesPerTally: Int) -> Data {
        var d = Data(magic)
        append(UInt64(strategies), to: &d)
        append(UInt64(valuesPerTally), to: &d)
        return d
    }

    static func encode(_ r: Record) -> Data {
        var d = Data()
        d.reserveCapacity(24 + r.tallies.count * 8 * (r.tallies.first?.encoded().count ?? 0))
        append(r.kind.rawValue, to: &d)
        append(UInt64(r.replication), to: &d)
        append(UInt64(r.firstBlock), to: &d)
        for t in r.tallies { for v in t.encoded() { append(v.bitPattern, to: &d) } }
        return d
    }

    static func append(_ v: UInt64, to d: inout Data) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }

    /// Reads a shard's records one at a time, so a merge holds one record, not the file.
    public final class Reader {
        let file: URL
        let handle: FileHandle
        let strategies: Int
        let segmentCount: Int
        let horizonDays: Int
        let valuesPerTally: Int

        public struct Damaged: Error, CustomStringConvertible {
            public let description: String
        }

        public init(_ file: URL, strategies: Int, segmentCount: Int, horizonDays: Int) throws {
            self.file = file
            handle = try FileHandle(forReadingFrom: file)
            self.strategies = strategies
            self.segmentCount = segmentCount
            self.horizonDays = horizonDays
            valuesPerTally = Tally(segmentCount: segmentCount, horizonDays: horizonDays).encoded().count
            let head = try read(TallyRecords.magic.count + 16)
            guard let head, Array(head.prefix(TallyRecords.magic.count)) == TallyRecords.magic else {
                throw Damaged(description: "\(file.path): not a CollectSim shard tally file (its first line is not the format's)")
            }
            let s = Self.integer(head, at: TallyRecords.magic.count), v = Self.integer(head, at: TallyRecords.magic.count + 8)
            guard s == UInt64(strategies), v == UInt64(valuesPerTally) else {
                throw Damaged(description: "\(file.path): holds \(s) strategies of \(v) values each; the scenario has \(strategies) of \(valuesPerTally)")
            }
        }

        deinit { try? handle.close() }

        /// The next record, or nil at the end of the file.
        public func next() throws -> Record? {
            guard let head = try read(24) else { return nil }
            guard head.count == 24, let kind = Kind(rawValue: Self.integer(head, at: 0)) else {
                throw Damaged(description: "\(file.path): a record is cut short or of an unknown kind")
            }
            let bytes = strategies * valuesPerTally * 8
            guard let body = try read(bytes), body.count == bytes else {
                throw Damaged(description: "\(file.path): the last record is cut short (the file is truncated)")
            }
            var tallies: [Tally] = []
            tallies.reserveCapacity(strategies)
            try body.withUnsafeBytes { raw in
                for k in 0..<strategies {
                    var values = [Double](repeating: 0, count: valuesPerTally)
                    for i in 0..<valuesPerTally {
                        values[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: (k * valuesPerTally + i) * 8, as: UInt64.self)))
                    }
                    guard let t = Tally(encoded: values, segmentCount: segmentCount, horizonDays: horizonDays) else {
                        throw Damaged(description: "\(file.path): a tally does not have this scenario's shape")
                    }
                    tallies.append(t)
                }
            }
            // Checked, not trapped on: a damaged file may hold any 64-bit value here.
            guard let replication = Int(exactly: Self.integer(head, at: 8)), let firstBlock = Int(exactly: Self.integer(head, at: 16)) else {
                throw Damaged(description: "\(file.path): a record names a replication or block beyond any run")
            }
            return Record(kind: kind, replication: replication, firstBlock: firstBlock, tallies: tallies)
        }

        func read(_ count: Int) throws -> Data? {
            var out = Data()
            while out.count < count {
                guard let piece = try handle.read(upToCount: count - out.count), !piece.isEmpty else { break }
                out.append(piece)
            }
            return out.isEmpty ? nil : out
        }

        static func integer(_ d: Data, at offset: Int) -> UInt64 {
            d.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        }
    }
}
