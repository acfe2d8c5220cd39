import Crypto
import Engine
import Foundation
import Reports
import Scenario

/// The complete, consistent set of shards a merge needs, or the reasons there is none.
///
/// `open` finds shard folders among the paths it is given (a shard folder, a folder of shard
/// folders, or a cluster run folder with its `shards/`), and refuses — naming each file and
/// what is wrong with it — a missing shard, a shard given twice, an unfinished, truncated or
/// corrupted one, and one of another scenario, seed, version or shard count. It reads every
/// payload byte to check the checksums, and writes nothing.
public struct ShardSet: Sendable {
    public let kind: ShardManifest.Kind
    public let scenario: Scenario
    /// Shard folders in shard order (1…N).
    public let folders: [URL]
    public let manifests: [ShardManifest]

    /// Why a set of shards cannot be merged: every problem found, each naming its file.
    public struct Refusal: Error, CustomStringConvertible {
        public let problems: [String]
        public var description: String {
            let shown = problems.prefix(20).map { "  " + $0 }.joined(separator: "\n")
            let more = problems.count > 20 ? "\n  … and \(problems.count - 20) more" : ""
            return "cannot merge: \(problems.count == 1 ? "1 problem" : "\(problems.count) problems"); nothing was written\n" + shown + more
        }
    }

    /// The folder of shards under a cluster run folder (`collectsim slurm … --out DIR`).
    public static let clusterSubfolder = "shards"

    /// Shard folders named by `paths`, in the order found (not yet checked).
    public static func find(_ paths: [String]) throws -> [URL] {
        let fm = FileManager.default
        var found: [URL] = []
        var problems: [String] = []
        for path in paths {
            let url = URL(fileURLWithPath: path).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                problems.append("\(url.path): no such folder"); continue
            }
            if ShardName(folderName: url.lastPathComponent) != nil || fm.fileExists(atPath: url.appendingPathComponent(ShardManifest.fileName).path) {
                found.append(url); continue
            }
            let holder = fm.fileExists(atPath: url.appendingPathComponent(clusterSubfolder).path) ? url.appendingPathComponent(clusterSubfolder) : url
            let names = ((try? fm.contentsOfDirectory(atPath: holder.path)) ?? []).filter { ShardName(folderName: $0) != nil }.sorted()
            if names.isEmpty { problems.append("\(url.path): holds no shard folders (shard-K-of-N)") }
            found += names.map { holder.appendingPathComponent($0) }
        }
        if !problems.isEmpty { throw Refusal(problems: problems) }
        return found
    }

    /// Finds, checks and orders the shards; see the type's description.
    public static func open(_ paths: [String]) throws -> ShardSet {
        var problems: [String] = []
        var entries: [(url: URL, manifest: ShardManifest)] = []
        var seen = Set<String>()
        for url in try find(paths) where seen.insert(url.resolvingSymlinksInPath().path).inserted {
            let file = url.appendingPathComponent(ShardManifest.fileName)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                let name = ShardName(folderName: url.lastPathComponent).map { "shard \($0)" } ?? "this shard"
                problems.append("\(file.path): missing: \(name) is unfinished (its task is still running, or stopped before the end); run it again")
                continue
            }
            guard let m = try? JSONDecoder().decode(ShardManifest.self, from: data), m.format == ShardManifest.currentFormat else {
                problems.append("\(file.path): not a shard manifest of this CollectSim (damaged, or format other than '\(ShardManifest.currentFormat)')")
                continue
            }
            if let named = ShardName(folderName: url.lastPathComponent), named != m.name {
                problems.append("\(file.path): the folder is named for shard \(named) but holds shard \(m.name)")
            }
            entries.append((url, m))
        }
        guard let reference = entries.min(by: { $0.manifest.shard < $1.manifest.shard }) else {
            throw Refusal(problems: problems.isEmpty ? ["no shards found in \(paths.joined(separator: ", "))"] : problems)
        }
        let r = reference.manifest
        var byIndex: [Int: (URL, ShardManifest)] = [:]
        for (url, m) in entries {
            let file = url.appendingPathComponent(ShardManifest.fileName).path
            var foreign: [String] = []
            if m.kind != r.kind { foreign.append("kind \(m.kind.rawValue), not \(r.kind.rawValue)") }
            if m.version != r.version { foreign.append("CollectSim \(m.version), not \(r.version)") }
            if m.scenarioSHA256 != r.scenarioSHA256 { foreign.append("scenario '\(m.scenario)' sha256 \(m.scenarioSHA256.prefix(12))…, not '\(r.scenario)' \(r.scenarioSHA256.prefix(12))…") }
            if m.seed != r.seed { foreign.append("seed \(m.seed), not \(r.seed)") }
            if m.shards != r.shards { foreign.append("one of \(m.shards) shards, not \(r.shards)") }
            if !foreign.isEmpty {
                problems.append("\(file): foreign shard (\(foreign.joined(separator: "; "))) beside \(reference.url.path)")
                continue
            }
            if let (other, _) = byIndex[m.shard] {
                problems.append("\(file): duplicated: shard \(m.name) is also in \(other.path)")
                continue
            }
            byIndex[m.shard] = (url, m)
        }
        if r.version != RunWriter.version {
            problems.append("\(reference.url.appendingPathComponent(ShardManifest.fileName).path): written by CollectSim \(r.version); this is \(RunWriter.version), whose results may differ in the last bits: merge with \(r.version)")
        }
        let missing = (1...r.shards).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let holder = reference.url.deletingLastPathComponent()
            let listed = missing.prefix(5).map { holder.appendingPathComponent(ShardName(index: $0, count: r.shards).folderName).path }
            problems.append("missing \(missing.count) of \(r.shards) shards (\(Self.ranges(missing))): "
                            + listed.joined(separator: ", ") + (missing.count > 5 ? ", …" : ""))
        }
        // The scenario, read back the way a one-machine run would write it.
        let scenarioFile = reference.url.appendingPathComponent("scenario.resolved.yaml")
        var scenario: Scenario?
        do {
            let s = try ScenarioLoader.load(path: scenarioFile.path)
            if ScenarioHash.resolved(s) == r.scenarioSHA256 { scenario = s } else {
                problems.append("\(scenarioFile.path): does not match the scenario_sha256 of \(ShardManifest.fileName) (edited, or written by another version)")
            }
        } catch {
            problems.append("\(error)")
        }
        for (url, m) in byIndex.values.sorted(by: { $0.1.shard < $1.1.shard }) {
            problems += check(m, in: url, scenario: scenario)
        }
        guard problems.isEmpty, let scenario else { throw Refusal(problems: problems) }
        let ordered = byIndex.values.sorted { $0.1.shard < $1.1.shard }
        return ShardSet(kind: r.kind, scenario: scenario, folders: ordered.map(\.0), manifests: ordered.map(\.1))
    }

    /// One shard's own problems: its units, then each payload file's size and checksum.
    public static func check(_ m: ShardManifest, in url: URL, scenario: Scenario?) -> [String] {
        var problems: [String] = []
        let file = url.appendingPathComponent(ShardManifest.fileName).path
        if let s = scenario {
            let expected: (total: Int, range: Range<Int>, blocks: Int)
            if m.kind == .run {
                let units = RunShard.units(s)
                expected = (units.count, m.shards <= units.count ? units.shard(m.shard, of: m.shards) : 0..<0, units.blocksPerReplication)
            } else {
                let count = ExperimentShard.points(s, kind: m.kind).count
                expected = (count, m.shards <= count ? WorkUnits.split(count, part: m.shard, of: m.shards) : 0..<0, 0)
            }
            if m.unitsTotal != expected.total || m.units != expected.range || m.blocksPerReplication != expected.blocks {
                problems.append("\(file): covers \(m.kind.unitName)s \(m.firstUnit)..<\(m.endUnit) of \(m.unitsTotal); shard \(m.name) of this scenario is \(expected.range.lowerBound)..<\(expected.range.upperBound) of \(expected.total)")
            }
        }
        for p in m.files {
            let payload = url.appendingPathComponent(p.name)
            guard let actual = try? ShardManifest.payload(payload, name: p.name) else {
                problems.append("\(payload.path): missing (listed in \(ShardManifest.fileName))"); continue
            }
            if actual.bytes != p.bytes {
                problems.append("\(payload.path): truncated or extended: \(actual.bytes) bytes, \(ShardManifest.fileName) says \(p.bytes)")
            } else if actual.sha256 != p.sha256 {
                problems.append("\(payload.path): corrupted: its SHA-256 is not the one \(ShardManifest.fileName) records")
            }
        }
        return problems
    }

    /// `1-3, 7, 9-10` (with `separator` ",": Slurm's `--array` syntax).
    public static func ranges(_ values: [Int], separator: String = ", ") -> String {
        var parts: [String] = []
        var i = 0
        while i < values.count {
            var j = i
            while j + 1 < values.count && values[j + 1] == values[j] + 1 { j += 1 }
            parts.append(i == j ? "\(values[i])" : "\(values[i])-\(values[j])")
            i = j + 1
        }
        return parts.joined(separator: separator)
    }
}
