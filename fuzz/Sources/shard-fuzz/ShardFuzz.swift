import CollectSimKit
import Foundation
import FuzzDriver

/// libFuzzer's entry point for shard folders (`collectsim merge`): a real two-shard run is
/// written once, then each input replaces one of its files, and the set must either merge or be
/// refused with a `ShardSet.Refusal`, a damaged-records error or a `ScenarioError`. A crash, a
/// hang, running out of memory or another error type is a finding.
///
/// The first byte picks the file: shard 1's `shard.json`; shard 1's or shard 2's tally records
/// replaced whole; or shard 2's records overwritten from an offset (the next two bytes), the
/// rest of the file kept. When records are replaced, the manifest's size and SHA-256 are made to
/// match them, as a writer with a bug would: otherwise the checksum would refuse nearly every
/// input and the record reader behind it would never be reached.
@_cdecl("LLVMFuzzerTestOneInput")
public func shardFuzzOneInput(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard let selector = data.first else { return 0 }
    let body = data.dropFirst()
    let shards = Shards.pristine
    do {
        try Shards.restore()
        switch selector % 4 {
        case 0:
            try Data(body).write(to: shards.folders[0].appendingPathComponent(ShardManifest.fileName))
        case 1, 2:
            try Shards.replaceRecords(in: Int(selector % 4) - 1, with: Data(body))
        default:
            var records = shards.records[1]
            let offset = body.count >= 2 ? Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1]) : 0
            let patch = body.dropFirst(2)
            let at = min(offset, records.count)
            records.replaceSubrange(at..<min(records.count, at + patch.count), with: patch)
            try Shards.replaceRecords(in: 1, with: records)
        }
    } catch {
        fatalError("cannot prepare the shard folders: \(error)")
    }
    do {
        let set = try ShardSet.open([Shards.root.path])
        _ = try ShardMerge.tallies(set)
    } catch is ShardSet.Refusal {
    } catch is TallyRecords.Reader.Damaged {
    } catch let error as ScenarioError {
        guard !error.message.isEmpty else { fatalError("error without a message: \(error)") }
    } catch {
        fatalError("not a refusal: \(type(of: error)): \(error)")
    }
    return 0
}

/// The two shards every input starts from, and the folder the inputs are written into.
enum Shards {
    struct Pristine {
        let folders: [URL]
        let files: [[String: Data]]
        let records: [Data]
        let manifests: [ShardManifest]
    }

    static let root: URL = {
        let dir = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        return URL(fileURLWithPath: dir).appendingPathComponent("collectsim-shard-fuzz-\(getpid())")
    }()

    /// Two shards of a small run (two replications of two blocks), written once.
    static let pristine: Pristine = {
        do {
            try? FileManager.default.removeItem(at: root)
            let scenario = try ScenarioLoader.parse(yaml: """
                name: shard-fuzz
                seed: 3
                replications: 2
                horizon_days: 20
                population: {size: 1500}
                strategies: [graded]
                """, file: "shard-fuzz.yaml")
            var folders: [URL] = [], files: [[String: Data]] = [], records: [Data] = [], manifests: [ShardManifest] = []
            for k in 1...2 {
                let name = ShardName(index: k, count: 2)
                let folder = root.appendingPathComponent(name.folderName)
                manifests.append(try RunShard.write(scenario, shard: name, to: folder, threads: 1))
                var contents: [String: Data] = [:]
                for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                    contents[file] = try Data(contentsOf: folder.appendingPathComponent(file))
                }
                folders.append(folder)
                files.append(contents)
                records.append(contents[TallyRecords.fileName]!)
            }
            return Pristine(folders: folders, files: files, records: records, manifests: manifests)
        } catch {
            fatalError("cannot write the shards the fuzzer starts from: \(error)")
        }
    }()

    /// Puts every file back as it was written.
    static func restore() throws {
        for (folder, contents) in zip(pristine.folders, pristine.files) {
            for (name, data) in contents { try data.write(to: folder.appendingPathComponent(name)) }
        }
    }

    /// Replaces shard `index`'s tally records, and its manifest's size and checksum of them.
    static func replaceRecords(in index: Int, with data: Data) throws {
        let folder = pristine.folders[index]
        let file = folder.appendingPathComponent(TallyRecords.fileName)
        try data.write(to: file)
        let m = pristine.manifests[index]
        let payload = try ShardManifest.payload(file)
        let files = m.files.map { $0.name == TallyRecords.fileName ? payload : $0 }
        let updated = ShardManifest(kind: m.kind, scenario: m.scenario, scenarioSHA256: m.scenarioSHA256, seed: m.seed, shard: m.name,
                                    units: m.units, unitsTotal: m.unitsTotal, blocksPerReplication: m.blocksPerReplication, files: files)
        try updated.encoded().write(to: folder.appendingPathComponent(ShardManifest.fileName))
    }
}

/// SwiftPM links an executable's entry point under this name; it hands control to libFuzzer.
@_cdecl("shard_fuzz_main")
public func shardFuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in shardFuzzOneInput(data, size) }
}
