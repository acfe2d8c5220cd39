import Analysis
import Engine
import Foundation
import Scenario
import Stochastics

/// A calibration whose truth is known: an observed file simulated at known parameters, and a
/// scenario that fits them (`CalibrationCoverageTests`, and the calibration report's tests).
public enum CalibrationFixture {
    public static let truth = ["model.payment.hardship_factor": 0.15, "model.payment.dpd_decay_days": 45.0]
    public static let targets = """
    kind,name,period,value,std_error
    curve,recovery,120,0,1
    curve,default,120,0,1
    curve,cure,120,0,1
    roll,1-29>30-59,2,0,1
    roll,30-59>60-89,3,0,1
    roll,60-89>90-179,4,0,1
    """

    /// The observed file of a portfolio simulated at the true parameters on `seed`: each
    /// target's mean over replications with its standard error.
    public static func observedFile(seed: Int, in dir: URL) throws -> URL {
        let scenario = try ScenarioLoader.parse(yaml: """
            name: truth
            seed: \(seed)
            replications: 24
            horizon_days: 120
            population: {size: 3000}
            strategies: [graded]
            model: {payment.hardship_factor: \(truth["model.payment.hardship_factor"]!), payment.dpd_decay_days: \(truth["model.payment.dpd_decay_days"]!)}
            """, file: "truth.yaml")
        let run = Runner(scenario: scenario).run()
        let targets = try ObservedData.parse(Self.targets, file: "targets", strategy: "graded", strategies: ["graded"], horizon: 120)
        var text = "kind,name,period,value,std_error\n"
        for t in targets {
            let statistic = t.statistic(horizon: 120)
            var m = Moments()
            for tally in run.tallies[0] { m.add(statistic.value(tally)) }
            text += "\(t.kind.rawValue),\(t.name),\(t.period),\(m.mean),\(m.standardError)\n"
        }
        let url = dir.appendingPathComponent("observed-\(seed).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A calibration of the hardship factor and the decay scale to `observed`, on `seed`.
    public static func fitScenario(seed: Int, replications: Int, population: Int, maxEvaluations: Int, start: (Double, Double),
                     observed: URL, in dir: URL) throws -> Scenario {
        try ScenarioLoader.parse(yaml: """
            name: fit
            seed: \(seed)
            horizon_days: 120
            strategies: [graded]
            experiment:
              replications: \(replications)
              population: \(population)
              calibrate:
                strategy: graded
                observed: \(observed.lastPathComponent)
                max_evaluations: \(maxEvaluations)
                factors:
                  - {path: model.payment.hardship_factor, range: [0.02, 0.4], start: \(start.0)}
                  - {path: model.payment.dpd_decay_days, range: [20, 90], start: \(start.1)}
            """, file: dir.appendingPathComponent("fit.yaml").path)
    }
}
