import ArgumentParser
import Experiments
import Foundation
import Reports
import Scenario

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild the reports and analysis.ipynb of a run or experiment folder from its files.",
        discussion: """
        A run folder's report.html, report.md and analysis.ipynb are rebuilt from its CSVs. An experiment folder \
        (sweep, sensitivity, optimize, calibrate) is replayed from the evaluations it keeps (evaluations.jsonl, or \
        evaluations/ while it is unfinished): every output is written again, the notebook included, without running the model.
        """)

    @Argument(help: "Run or experiment folder (written by `collectsim run`, or by an experiment command).")
    var folder: String

    func run() throws {
        let dir = URL(fileURLWithPath: folder)
        let summary = (try? Data(contentsOf: dir.appendingPathComponent("summary.json")))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        if let name = summary?["kind"] as? String ?? declaredExperiment(dir) {
            return try rebuildExperiment(dir, kind: name, partial: summary?["partial"] as? Bool ?? false)
        }
        let data: ReportData
        do {
            data = try ReportData.load(from: dir)
        } catch {
            FileHandle.standardError.write(Data("\(folder): error: not a complete run folder (summary.json, metrics.csv, comparison.csv and curves.csv are needed): \(error.localizedDescription)\n".utf8))
            throw ExitCode(66)
        }
        try RunWriter.writeReports(data, to: dir)
        print("Wrote report.html, report.md and analysis.ipynb in \(dir.path)")
    }

    /// The experiment a folder without summary.json holds: the one its saved scenario declares,
    /// when it keeps evaluations and the scenario declares exactly one.
    func declaredExperiment(_ dir: URL) -> String? {
        guard ExperimentSession.holdsEvaluations(in: dir),
              let s = try? ScenarioLoader.load(path: dir.appendingPathComponent("scenario.resolved.yaml").path),
              let e = s.experiment else { return nil }
        let declared = ExperimentKind.replayable.filter { $0.declared(e) }
        return declared.count == 1 ? declared[0].name : nil
    }

    /// Replays the experiment from the folder's evaluations, which rewrites every output.
    func rebuildExperiment(_ dir: URL, kind name: String, partial: Bool) throws {
        guard let kind = ExperimentKind.replayable.first(where: { $0.name == name }) else {
            FileHandle.standardError.write(Data("\(folder)/summary.json: error: field 'kind': '\(name)' is not a run or an experiment CollectSim reports on (expected sweep, sensitivity, optimize or calibrate)\n".utf8))
            throw ExitCode(66)
        }
        guard ExperimentSession.holdsEvaluations(in: dir) else {
            FileHandle.standardError.write(Data("""
            \(folder): error: this \(name) folder keeps no evaluations (\(ExperimentSession.archiveName)), so it cannot be rebuilt: \
            it was written before CollectSim kept them, or they were deleted. Run it again: \
            collectsim \(name) \(dir.appendingPathComponent("scenario.resolved.yaml").path) --out NEW_FOLDER

            """.utf8))
            throw ExitCode(66)
        }
        let scenario = try loadScenario(dir.appendingPathComponent("scenario.resolved.yaml").path)
        let outcome: any ReportedExperiment
        do {
            outcome = try kind.run(scenario, dir, nil, nil, partial ? .replayUntilMissing : .replay) { _ in }
        } catch let e as ScenarioError {
            FileHandle.standardError.write(Data("\(e)\n".utf8))
            throw ExitCode(65)
        }
        print("Rebuilt the \(name) in \(dir.path) from its \(counted(outcome.record.evaluations, "evaluation"))\(outcome.record.partial ? " (partial)" : ""): "
              + "report.html, report.md, analysis.ipynb and its data files.")
    }
}
