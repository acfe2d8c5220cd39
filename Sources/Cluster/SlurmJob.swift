import Foundation
import Storage
import Reports

/// The two job scripts of a cluster run: an array job whose task K runs shard K/N, and a merge
/// job that waits for the whole array (`afterany`, so it runs even when a task failed, and
/// then names the shards that are missing). Plain bash with `#SBATCH` lines, to read and edit.
///
/// Layout of a cluster run folder DIR: `slurm/` (these scripts, `job.json`, the scenario the
/// tasks run, `logs/`), `shards/` (one folder per shard), and the merged run's files in DIR.
public struct SlurmJob: Codable, Sendable, Equatable {
    /// `run`, `sweep` or `sensitivity`.
    public var command: String
    public var tasks: Int
    public var scenarioName: String
    public var scenarioSHA256: String
    public var executable: String
    public var registry: String
    public var partition: String?
    public var time: String?
    public var mem: String?
    public var cpusPerTask: Int?
    public var account: String?
    /// Seconds before the time limit at which Slurm sends SIGTERM, so a task stops cleanly.
    public var warnSeconds: Int = 60
    /// Job ids of every submission (`--submit`, `status --resubmit`), newest last.
    public var submitted: [String] = []

    enum CodingKeys: String, CodingKey {
        case command, tasks, executable, registry, partition, time, mem, account, submitted
        case scenarioName = "scenario", scenarioSHA256 = "scenario_sha256", cpusPerTask = "cpus_per_task", warnSeconds = "warn_seconds"
    }

    public init(command: String, tasks: Int, scenarioName: String, scenarioSHA256: String, executable: String, registry: String) {
        self.command = command; self.tasks = tasks; self.scenarioName = scenarioName; self.scenarioSHA256 = scenarioSHA256
        self.executable = executable; self.registry = registry
    }

    public static let folder = "slurm"
    public static let shardsScript = "shards.sbatch"
    public static let mergeScript = "merge.sbatch"
    public static let scenarioFile = "scenario.yaml"
    /// With a lender's book: the book as checked when the job was prepared (`BookRecordsFile`).
    public static let bookRecordsFile = "book.records"
    public static let jobFile = "job.json"

    public static func slurmFolder(_ dir: URL) -> URL { dir.appendingPathComponent(folder) }
    public static func shardsFolder(_ dir: URL) -> URL { dir.appendingPathComponent(ShardSet.clusterSubfolder) }
    public static func shardFolder(_ dir: URL, _ k: Int, of n: Int) -> URL {
        shardsFolder(dir).appendingPathComponent(ShardName(index: k, count: n).folderName)
    }
    public static func logFile(_ dir: URL, task k: Int) -> URL { slurmFolder(dir).appendingPathComponent("logs/shard-\(k).out") }

    /// A word quoted for bash.
    static func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func resources() -> [String] {
        var lines: [String] = []
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account { lines.append("#SBATCH --account=\(account)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        if let mem { lines.append("#SBATCH --mem=\(mem)") }
        return lines
    }

    /// The array job: task K runs shard K/N into `shards/`.
    public func shardsScript(_ dir: URL) -> String {
        let exe = Self.quoted(executable), slurm = Self.slurmFolder(dir).path
        var lines = [
            "#!/bin/bash",
            "# CollectSim cluster run of scenario '\(scenarioName)': \(tasks) array tasks, task K runs shard K/\(tasks).",
            "# Written by `collectsim slurm`; edit freely. Submit: sbatch \(Self.slurmFolder(dir).appendingPathComponent(Self.shardsScript).path)",
            "#SBATCH --job-name=collectsim-\(jobName)",
            "#SBATCH --array=1-\(tasks)",
            "#SBATCH --output=\(slurm)/logs/shard-%a.out",
            "#SBATCH --open-mode=append",
            "# Requeued after preemption or a node failure, a task writes the same bytes (or finds its shard done).",
            "#SBATCH --requeue",
            "# SIGTERM \(warnSeconds) s before the time limit: the task stops between blocks, leaving no half-written shard.",
            "#SBATCH --signal=B:TERM@\(warnSeconds)",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=\(cpusPerTask ?? 1)",
        ]
        lines += resources()
        lines += [
            "set -euo pipefail",
            "# --yes: a task's time is bounded by the job's time limit, not by the day an interactive start allows.",
            "exec \(exe) \(command) \(Self.quoted(slurm + "/" + Self.scenarioFile)) --shard \"${SLURM_ARRAY_TASK_ID}/\(tasks)\" \\",
            "    --out \(Self.quoted(Self.shardsFolder(dir).path)) --threads \"${SLURM_CPUS_PER_TASK:-1}\" --quiet --yes",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The merge job: after every array task has ended, however it ended.
    public func mergeScript(_ dir: URL) -> String {
        let exe = Self.quoted(executable), slurm = Self.slurmFolder(dir).path
        var lines = [
            "#!/bin/bash",
            "# Merges the shards of '\(scenarioName)' into \(dir.path) once the array job has ended (submit with",
            "# --dependency=afterany:<array job id>). When shards are missing it lists them and says how to resubmit.",
            "#SBATCH --job-name=collectsim-\(jobName)-merge",
            "#SBATCH --output=\(slurm)/logs/merge.out",
            "#SBATCH --open-mode=append",
            "#SBATCH --ntasks=1",
            "#SBATCH --cpus-per-task=1",
        ]
        lines += resources()
        lines += [
            "set -uo pipefail",
            "if ! \(exe) merge \(Self.quoted(dir.path)) --force --registry \(Self.quoted(registry)); then",
            "    \(exe) slurm status \(Self.quoted(dir.path))",
            "    exit 1",
            "fi",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    var jobName: String { String(scenarioName.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" }.prefix(40)) }

    public static func load(_ dir: URL) throws -> SlurmJob {
        let file = slurmFolder(dir).appendingPathComponent(jobFile)
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ShardSet.Refusal(problems: ["\(file.path): missing: \(dir.path) is not a cluster run folder (collectsim slurm FILE --out DIR makes one)"])
        }
        do { return try JSONDecoder().decode(SlurmJob.self, from: data) } catch {
            throw ShardSet.Refusal(problems: ["\(file.path): damaged: \(error)"])
        }
    }

    public func save(_ dir: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        try AtomicFile.write(try encoder.encode(self), to: Self.slurmFolder(dir).appendingPathComponent(Self.jobFile))
    }
}
