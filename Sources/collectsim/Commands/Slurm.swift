import Analysis
import ArgumentParser
import CollectionsModel
import Cluster
import Foundation
import Storage
import Reports
import Scenario

struct Slurm: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario, sweep or sensitivity study on a Slurm cluster: an array job of shards and a merge job.",
        subcommands: [Prepare.self, Status.self], defaultSubcommand: Prepare.self)

    /// `sbatch`'s path, or nil (with the advice to give) when it is not installed.
    static func sbatch() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(dir)/sbatch"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    static let noSbatch = """
    error: sbatch is not installed here: run this on the cluster's login node, install Slurm's client (Debian/Ubuntu: \
    apt-get install slurm-client), or leave out --submit and run the shards by hand: \
    collectsim run FILE --shard K/N --out DIR/shards for K = 1…N, then collectsim merge DIR

    """

    /// Runs `sbatch --parsable ARGS` and returns the job id it prints.
    static func submit(_ arguments: [String]) throws -> String {
        guard let path = sbatch() else {
            FileHandle.standardError.write(Data(noSbatch.utf8))
            throw ExitCode(69)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--parsable"] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let id = text.split(separator: "\n").first?.split(separator: ";").first else {
            FileHandle.standardError.write(Data("error: sbatch \(arguments.joined(separator: " ")) failed: \(problem)\n".utf8))
            throw ExitCode(69)
        }
        return String(id)
    }

    /// Submits the array job (for `array`, e.g. "1-16" or "3,7") and the merge job after it.
    static func submitBoth(_ job: inout SlurmJob, dir: URL, array: String) throws -> (String, String) {
        let slurm = SlurmJob.slurmFolder(dir)
        let shards = try submit(["--array=\(array)", slurm.appendingPathComponent(SlurmJob.shardsScript).path])
        let merge = try submit(["--dependency=afterany:\(shards)", slurm.appendingPathComponent(SlurmJob.mergeScript).path])
        job.submitted += [shards, merge]
        try job.save(dir)
        return (shards, merge)
    }

    struct Prepare: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prepare",
            abstract: "Write (and with --submit, submit) the job scripts of a cluster run into DIR.",
            discussion: """
            `collectsim slurm FILE --tasks N --out DIR` writes DIR/slurm/shards.sbatch (an array job of N tasks, task K \
            running shard K/N into DIR/shards) and DIR/slurm/merge.sbatch (after the array, writes the merged run into \
            DIR). Check on it with `collectsim slurm status DIR`.
            """)

        @Argument(help: "Scenario file (YAML).")
        var scenario: String

        @Option(help: "Array tasks: shards of the work (at most the run's blocks × replications, or the design's points).")
        var tasks: Int

        @Option(help: "Cluster run folder: job scripts, shards, and the merged results.")
        var out: String

        @Option(help: "What to run: run, sweep or sensitivity.")
        var command: String = "run"

        @OptionGroup var overrides: OverrideOptions

        @Option(help: "Slurm partition.") var partition: String?
        @Option(help: "Time limit per task (Slurm format, e.g. 2:00:00).") var time: String?
        @Option(help: "Memory per task (e.g. 8G).") var mem: String?
        @Option(help: "Cores per task (the shard's --threads).") var cpusPerTask: Int?
        @Option(help: "Slurm account to charge.") var account: String?

        @Option(help: "Run registry the merge job records the run in (default: \(registryDefaultHelp), made absolute).")
        var registry: String?

        @Flag(help: "Submit both jobs with sbatch and print their ids.")
        var submit = false

        @Flag(help: "Replace the job scripts of another cluster run in DIR.")
        var force = false

        func validate() throws {
            if tasks < 1 { throw ValidationError("--tasks must be at least 1.") }
            if let c = cpusPerTask, !(1...maxThreads).contains(c) { throw ValidationError("--cpus-per-task must be between 1 and \(maxThreads).") }
            guard ShardManifest.Kind(rawValue: command) != nil else {
                throw ValidationError("--command must be run, sweep or sensitivity (optimize and calibrate are sequential searches; see docs/cluster.md).")
            }
        }

        func run() throws {
            let kind = ShardManifest.Kind(rawValue: command)!
            let s = try overrides.apply(to: loadScenario(scenario), experiment: kind != .run)
            if kind != .run {
                printWarnings(s)
                guard let spec = s.experiment, kind == .sweep ? spec.sweep != nil : spec.sensitivity != nil else {
                    FileHandle.standardError.write(Data("\(s.sourceFile): error: field 'experiment.\(kind.rawValue)': the scenario declares no \(kind.rawValue) experiment\n".utf8))
                    throw ExitCode(65)
                }
                do { try ExperimentEvaluator.validate(s) } catch let e as ScenarioError {
                    FileHandle.standardError.write(Data("\(e)\n".utf8))
                    throw ExitCode(65)
                }
            } else {
                try refuseBeyondMemory(s)
            }
            let total = kind == .run ? RunShard.units(s).count : ExperimentShard.points(s, kind: kind).count
            guard tasks <= total else {
                FileHandle.standardError.write(Data("error: --tasks \(tasks): the work has only \(total) \(kind.unitName)s to share out; use at most \(total) tasks\n".utf8))
                throw ExitCode(64)
            }
            if submit && Slurm.sbatch() == nil {
                FileHandle.standardError.write(Data(Slurm.noSbatch.utf8))
                throw ExitCode(69)
            }
            let dir = URL(fileURLWithPath: out).standardizedFileURL
            let hash = ScenarioHash.resolved(s)
            let old = try? SlurmJob.load(dir)
            let sameRun = old.map { $0.scenarioSHA256 == hash && $0.tasks == tasks && $0.command == command } ?? false
            if let old, !sameRun, !force {
                FileHandle.standardError.write(Data("error: \(dir.path) holds the cluster run of '\(old.scenarioName)' (\(old.command), \(old.tasks) tasks); choose another --out, or add --force to replace its scripts\n".utf8))
                throw ExitCode(73)
            }
            let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
            let registryFile = URL(fileURLWithPath: registryPath(registry)).standardizedFileURL.path
            var job = SlurmJob(command: command, tasks: tasks, scenarioName: s.name, scenarioSHA256: hash, executable: executable, registry: registryFile)
            job.partition = partition; job.time = time; job.mem = mem; job.cpusPerTask = cpusPerTask; job.account = account
            // The same run prepared again keeps the ids of what was submitted, for `status`.
            if sameRun, let old { job.submitted = old.submitted }
            let slurm = SlurmJob.slurmFolder(dir)
            try FileManager.default.createDirectory(at: slurm.appendingPathComponent("logs"), withIntermediateDirectories: true)
            // The book goes with the job as checked now: each shard reads only its own accounts.
            var records: String?
            if let book = s.population.book {
                let stream = try AtomicFile.Stream(slurm.appendingPathComponent(SlurmJob.bookRecordsFile))
                try BookRecordsFile.write(book) { try stream.write($0) }
                try stream.commit()
                records = SlurmJob.bookRecordsFile
            }
            try AtomicFile.write(ScenarioWriter.yaml(s, bookRecords: records), to: slurm.appendingPathComponent(SlurmJob.scenarioFile))
            for (name, text) in [(SlurmJob.shardsScript, job.shardsScript(dir)), (SlurmJob.mergeScript, job.mergeScript(dir))] {
                let file = slurm.appendingPathComponent(name)
                try AtomicFile.write(text, to: file)
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
            }
            try job.save(dir)
            print("Cluster run of '\(s.name)' (\(command), \(tasks) tasks over \(total) \(kind.unitName)s) prepared in \(dir.path):")
            print("  \(slurm.appendingPathComponent(SlurmJob.shardsScript).path)   array job, task K runs shard K/\(tasks)")
            print("  \(slurm.appendingPathComponent(SlurmJob.mergeScript).path)    merge job, after the array")
            if submit {
                let (shards, merge) = try Slurm.submitBoth(&job, dir: dir, array: "1-\(tasks)")
                print("Submitted: array job \(shards), merge job \(merge) (afterany:\(shards)).")
            } else {
                print("Submit both with: collectsim slurm \(scenario) --tasks \(tasks) --out \(out) --submit")
                print("or by hand: id=$(sbatch --parsable \(slurm.path)/\(SlurmJob.shardsScript)); sbatch --dependency=afterany:$id \(slurm.path)/\(SlurmJob.mergeScript)")
            }
            print("Progress: collectsim slurm status \(dir.path)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "How many shards of a cluster run are done, running, failed or missing, read from its folder; how to resubmit the rest.")

        @Argument(help: "Cluster run folder (collectsim slurm … --out DIR).")
        var dir: String

        @Flag(help: "Submit again the shards that are failed or missing, and a merge job after them.")
        var resubmit = false

        func run() throws {
            let dir = URL(fileURLWithPath: self.dir).standardizedFileURL
            var job: SlurmJob
            do { job = try SlurmJob.load(dir) } catch let r as ShardSet.Refusal {
                FileHandle.standardError.write(Data("error: \(r.problems.joined(separator: "; "))\n".utf8))
                throw ExitCode(66)
            }
            let n = job.tasks
            let states = (1...n).map { ShardFolder.state(SlurmJob.shardFolder(dir, $0, of: n)) }
            let queued = Set(queuedTasks(job))
            var done: [Int] = [], running: [Int] = [], failed: [(Int, String)] = [], missing: [Int] = [], pending: [Int] = []
            for (i, state) in states.enumerated() {
                let k = i + 1
                switch state {
                case .done: done.append(k)
                case .running: running.append(k)
                case .failed(let reason): queued.contains(k) ? pending.append(k) : failed.append((k, reason))
                case .missing: queued.contains(k) ? pending.append(k) : missing.append(k)
                }
            }
            let merged = FileManager.default.fileExists(atPath: dir.appendingPathComponent("summary.json").path)
            print("Cluster run '\(job.scenarioName)' in \(dir.path): \(n) shards — \(done.count) done, \(running.count) running, "
                  + "\(failed.count) failed, \(missing.count) missing" + (pending.isEmpty ? "" : ", \(pending.count) queued")
                  + (merged ? "; merged." : "; not merged yet."))
            for (k, reason) in failed.prefix(20) {
                print("  failed: shard \(k) (\(reason)); log: \(SlurmJob.logFile(dir, task: k).path)")
            }
            if failed.count > 20 { print("  … and \(failed.count - 20) more failed") }
            if !missing.isEmpty { print("  missing (never started, and not in the queue): \(ShardSet.ranges(missing))") }
            let redo = (failed.map(\.0) + missing).sorted()
            guard !redo.isEmpty else {
                if done.count == n && !merged { print("All shards are done: merge with  collectsim merge \(dir.path)") }
                return
            }
            let array = ShardSet.ranges(redo, separator: ",")
            if resubmit {
                let (shards, merge) = try Slurm.submitBoth(&job, dir: dir, array: array)
                print("Resubmitted shards \(array): array job \(shards), merge job \(merge) (afterany:\(shards)).")
            } else {
                let slurm = SlurmJob.slurmFolder(dir).path
                print("Resubmit them, and a merge after them, with:  collectsim slurm status \(dir.path) --resubmit")
                print("or by hand: id=$(sbatch --parsable --array=\(array) \(slurm)/\(SlurmJob.shardsScript)); sbatch --dependency=afterany:$id \(slurm)/\(SlurmJob.mergeScript)")
            }
        }

        /// Array tasks of this run still in Slurm's queue (pending or running), when `squeue`
        /// answers; empty otherwise (the folder alone then decides).
        func queuedTasks(_ job: SlurmJob) -> [Int] {
            let arrays = stride(from: 0, to: job.submitted.count, by: 2).map { job.submitted[$0] }
            guard !arrays.isEmpty else { return [] }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["squeue", "--noheader", "--array", "--jobs=\(arrays.joined(separator: ","))", "--format=%K"]
            let out = Pipe()
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { return [] }
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return [] }
            return text.split(whereSeparator: \.isNewline).compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        }
    }
}
