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

    /// Half the machine's physical memory: the most a run may plan to keep.
    public static var budget: Double { Double(ProcessInfo.processInfo.physicalMemory) / 2 }

    /// Why the scenario cannot run here, or nil when it fits.
    public static func refusal(_ scenario: Scenario) -> String? {
        let bytes = resultBytes(scenario)
        guard bytes > budget else { return nil }
        return "this run would keep about \(gib(bytes)) of results in memory (\(scenario.strategies.count) strategies × \(replications(scenario)) replications × \(String(format: "%.0f", Double(tallyBytes(scenario)) / 1024)) KiB per tally over \(scenario.horizonDays) days), more than half of this machine's \(gib(Double(ProcessInfo.processInfo.physicalMemory))); use fewer replications or a shorter horizon"
    }

    static func gib(_ bytes: Double) -> String { String(format: "%.1f GiB", bytes / 1_073_741_824) }
}
