import CollectionsModel
import Foundation

/// What a run keeps in memory, estimated before anything is allocated, so that a scenario too
/// large for this machine is refused up front rather than failing hours into a run.
///
/// Borrowers are simulated in fixed blocks, so the population never grows memory; what grows is
/// the results kept per strategy and replication (one tally each, sized by the horizon).
public enum MemoryEstimate {
    /// Bytes of results a run of `scenario` keeps: strategies × replications × one tally, with
    /// the precision section's cap on replications when it has one.
    public static func resultBytes(_ scenario: Scenario) -> Double {
        Double(scenario.strategies.count) * Double(replications(scenario)) * Double(tallyBytes(scenario))
    }

    /// The most replications the run may reach.
    static func replications(_ scenario: Scenario) -> Int {
        max(scenario.replications, scenario.precision?.maxReplications ?? 0)
    }

    static func tallyBytes(_ scenario: Scenario) -> Int {
        Tally.byteSize(segmentCount: scenario.population.segments.count, horizonDays: scenario.horizonDays)
    }

    /// What this process may use: the least of the machine's physical memory, the address-space
    /// limit (`ulimit -v`) and the memory limit of its control group (a container's or a batch
    /// job's, cgroup v2 `memory.max` or v1 `memory.limit_in_bytes`), with where it comes from.
    public static func limit() -> (bytes: Double, source: String) {
        var best = (bytes: Double(ProcessInfo.processInfo.physicalMemory), source: "this machine's memory")
        var rl = rlimit()
        if getrlimit(addressSpace, &rl) == 0, rl.rlim_cur != rlim_t.max, Double(rl.rlim_cur) < best.bytes {
            best = (Double(rl.rlim_cur), "the address space this process may use (ulimit -v)")
        }
        if let (bytes, file) = controlGroupLimit(), bytes < best.bytes {
            best = (bytes, "its control group's memory limit (\(file))")
        }
        return best
    }

    #if canImport(Glibc)
    static let addressSpace = __rlimit_resource_t(RLIMIT_AS.rawValue)
    #else
    static let addressSpace = RLIMIT_AS
    #endif

    /// The memory limit of this process's control group, if it has one.
    static func controlGroupLimit() -> (Double, String)? {
        // cgroup v2: "0::/path" in /proc/self/cgroup; the limit is in that group's memory.max.
        if let groups = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8) {
            for line in groups.split(separator: "\n") where line.hasPrefix("0::") {
                let file = "/sys/fs/cgroup" + line.dropFirst(3) + "/memory.max"
                let path = file.replacingOccurrences(of: "//", with: "/")
                if let text = try? String(contentsOfFile: path, encoding: .utf8),
                   let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) { return (bytes, path) }
            }
        }
        // cgroup v1: an unlimited group reports a number near 2^63.
        let v1 = "/sys/fs/cgroup/memory/memory.limit_in_bytes"
        if let text = try? String(contentsOfFile: v1, encoding: .utf8),
           let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes < 1e18 { return (bytes, v1) }
        return nil
    }

    /// Half of what this process may use: the most a run may plan to keep.
    public static var budget: Double { limit().bytes / 2 }

    /// Why the scenario cannot run in this process, or nil when it fits. Asked when work is about
    /// to start, never while a file is read: a scenario validates the same on every machine.
    public static func refusal(_ scenario: Scenario) -> String? {
        let bytes = resultBytes(scenario)
        let (available, source) = limit()
        guard bytes > available / 2 else { return nil }
        return "this run would keep about \(gib(bytes)) of results in memory (\(counted(scenario.strategies.count, "strategy", "strategies")) × \(counted(replications(scenario), "replication")) × \(String(format: "%.0f", Double(tallyBytes(scenario)) / 1024)) KiB per tally over \(scenario.horizonDays) days), more than half of the \(gib(available)) of \(source); use fewer replications or a shorter horizon"
    }

    static func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / 1_073_741_824) }
}
