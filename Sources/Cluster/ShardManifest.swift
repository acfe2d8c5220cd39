import Crypto
import Foundation
import Reports

/// `shard.json`: what a shard folder holds, written last and atomically, so a shard folder
/// without it is unfinished and one with it is complete (its payload checked by checksum).
///
/// It names everything a merge must agree on — the kind of work, CollectSim's version, the
/// scenario (by the SHA-256 of its resolved text) and seed, the shard and shard count, the work
/// units it covers out of how many — and each payload file with its size and SHA-256.
public struct ShardManifest: Codable, Sendable, Equatable {
    public static let fileName = "shard.json"
    public static let currentFormat = "collectsim-shard 1"

    /// What a shard is part of: a run (`collectsim run`) or a design experiment.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case run, sweep, sensitivity

        /// What one work unit of this kind is, for messages.
        public var unitName: String { self == .run ? "block" : "design point" }
    }

    public struct Payload: Codable, Sendable, Equatable {
        public let name: String
        public let bytes: Int
        public let sha256: String
    }

    public let format: String
    public let kind: Kind
    public let version: String
    public let scenario: String
    /// SHA-256 of the shard's whole resolved scenario, output options included
    /// (`RunWriter.resolvedHash`): shards that wrote different extra files do not merge.
    public let scenarioSHA256: String
    public let seed: UInt64
    public let shard: Int
    public let shards: Int
    /// The units covered, `first..<end`, of `unitsTotal` (blocks of accounts of a replication,
    /// numbered replication-major, for a run; design points for an experiment).
    public let firstUnit: Int
    public let endUnit: Int
    public let unitsTotal: Int
    /// Blocks per replication (runs only; 0 for experiments).
    public let blocksPerReplication: Int
    public let files: [Payload]

    enum CodingKeys: String, CodingKey {
        case format, kind, version, scenario, seed, shard, shards, files
        case scenarioSHA256 = "scenario_sha256", firstUnit = "first_unit", endUnit = "end_unit", unitsTotal = "units_total"
        case blocksPerReplication = "blocks_per_replication"
    }

    public var name: ShardName { ShardName(index: shard, count: shards) }
    public var units: Range<Int> { firstUnit..<endUnit }

    public init(kind: Kind, scenario: String, scenarioSHA256: String, seed: UInt64, shard: ShardName, units: Range<Int>,
                unitsTotal: Int, blocksPerReplication: Int, files: [Payload]) {
        format = Self.currentFormat
        self.kind = kind
        version = RunWriter.version
        self.scenario = scenario
        self.scenarioSHA256 = scenarioSHA256
        self.seed = seed
        self.shard = shard.index
        shards = shard.count
        firstUnit = units.lowerBound
        endUnit = units.upperBound
        self.unitsTotal = unitsTotal
        self.blocksPerReplication = blocksPerReplication
        self.files = files
    }

    /// The manifest's bytes: sorted keys, so the same shard always writes the same file.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Size and SHA-256 of a file, read in 1 MiB pieces.
    public static func payload(_ url: URL, name: String? = nil) throws -> Payload {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            bytes += chunk.count
        }
        return Payload(name: name ?? url.lastPathComponent, bytes: bytes, sha256: hex(hash.finalize()))
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
