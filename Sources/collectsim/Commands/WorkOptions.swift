import ArgumentParser
import Cluster

/// The options of every command that does simulation work into an output folder — `run` and the
/// four experiment commands — declared once and shared with `@OptionGroup`.
struct WorkOptions: ParsableArguments {
    @Option(help: "Output folder (default: a new folder under the scenario's output.dir, named after the scenario, the experiment kind if any, and the time).")
    var out: String?

    @Option(help: "Worker threads (default: all cores). Results are identical for any value.")
    var threads: Int?

    @Option(help: "Run registry to record the results in (default: \(registryDefaultHelp)).")
    var registry: String?

    @Flag(help: "Do not print the progress line.")
    var quiet = false

    @Option(help: ArgumentHelp("Finish work that was stopped or killed, in its folder; it ends with the bytes uninterrupted work writes.", valueName: "DIR"))
    var resume: String?

    @Flag(help: "Start over in an --out folder that already holds results, finished or not (without it, such a folder is refused untouched).")
    var force = false

    @Flag(help: "Start work estimated at more than a day on this machine (without it, such work is refused before anything is written).")
    var yes = false

    @Option(help: ArgumentHelp("Do only the K-th of N shares of the work (a run's replications and blocks, a sweep's or sensitivity study's design points) into <out>/shard-K-of-N; `collectsim merge` combines the shards into the folder the command writes without it, byte for byte.", valueName: "K/N"))
    var shard: ShardName?

    /// Whether anything but --threads, --quiet and --registry was given, which --resume refuses:
    /// resumed work takes the rest from its folder.
    var choosesMoreThanResumeTakes: Bool { out != nil || force || yes || shard != nil }

    func validate() throws {
        try validateThreads(threads)
    }
}
