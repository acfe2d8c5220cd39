import ArgumentParser
import Engine
import Foundation
import Scenario

/// Work estimated beyond this many wall seconds on this machine is refused unless `--yes`:
/// a day, past which a typo (a population or a grid a thousand times too large) is far likelier
/// than intent, and a cluster (docs/cluster.md) the better place.
let workBoundSeconds: Double = 24 * 3600

/// Below this many borrower-days no trial is run: such work takes seconds.
let workTrialThreshold: Double = 1e8

/// States how long work will take, from a short trial of `trial` (the scenario as each run or
/// evaluation simulates it), before anything is written; refuses it (exit status 64) when the
/// estimate exceeds `workBoundSeconds`, unless `yes`. `borrowerDays` is the work planned and
/// `upTo` what it may grow to (a precision run's max_replications); `what` names it.
func announceWork(trial: Scenario, borrowerDays: Double, upTo: Double? = nil, threads: Int?, yes: Bool, what: String) throws {
    let worst = max(borrowerDays, upTo ?? 0)
    guard worst >= workTrialThreshold else { return }
    let threadCount = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
    let estimate = WorkEstimate.measure(trial, borrowerDays: borrowerDays, threads: threadCount)
    let most = WorkEstimate(borrowerDays: worst, secondsPerBorrowerDay: estimate.secondsPerBorrowerDay,
                            trialSeconds: estimate.trialSeconds, threads: threadCount)
    var line = "Estimated time: about \(WorkEstimate.duration(estimate.seconds)) on \(counted(threadCount, "thread"))"
    if most.seconds > estimate.seconds * 1.05 { line += ", up to \(WorkEstimate.duration(most.seconds)) if the precision targets are not met sooner" }
    line += String(format: " (from a %.2f s trial of its first accounts).", estimate.trialSeconds)
    guard estimate.seconds > workBoundSeconds && !yes else {
        if most.seconds >= 60 { FileHandle.standardError.write(Data((line + "\n").utf8)) }
        return
    }
    FileHandle.standardError.write(Data("""
    error: \(what) is estimated at about \(WorkEstimate.duration(estimate.seconds)) on \(counted(threadCount, "thread")) \
    (\(String(format: "%.3g", borrowerDays)) borrower-days; from a \(String(format: "%.2f", estimate.trialSeconds)) s trial), more than \
    the \(WorkEstimate.duration(workBoundSeconds)) this command starts without asking. Make it smaller, spread it over a cluster \
    (--shard, `collectsim slurm`), or add --yes to start it anyway.

    """.utf8))
    throw ExitCode(64)
}
