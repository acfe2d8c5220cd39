import Benchmark
import CollectSimKit

/// The default scenario at a chosen size.
func scenario(population: Int, horizon: Int, strategies: [String]) throws -> Scenario {
    try ScenarioLoader.parse(yaml: """
    name: benchmark
    seed: 1
    replications: 1
    horizon_days: \(horizon)
    population: {size: \(population)}
    strategies: [\(strategies.joined(separator: ", "))]
    """, file: "<benchmark>")
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal, .peakMemoryResident],
                                           warmupIterations: 1, maxDuration: .seconds(20), maxIterations: 5)

    // Whole engine, all cores: 100,000 borrowers × 360 days × 4 strategies = 1.44e8
    // borrower-days per iteration; borrower-days/s = 1.44e8 / wall clock.
    Benchmark("engine 100k×360×4 (1.44e8 borrower-days)") { benchmark in
        let s = try scenario(population: 100_000, horizon: 360, strategies: ["gentle", "strict", "graded", "personalized"])
        let runner = Runner(scenario: s)
        for _ in benchmark.scaledIterations {
            benchmark.startMeasurement()
            blackHole(runner.run())
            benchmark.stopMeasurement()
        }
    }

    // What an experiment pays per point besides the engine: the scenario with one field set,
    // loaded and validated (`ScenarioEditor`), on the default scenario.
    Benchmark("experiment variant, one field set", configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 200)) { benchmark in
        let editor = ScenarioEditor(try scenario(population: 100_000, horizon: 360, strategies: ["gentle", "strict", "graded", "personalized"]))
        let path = try ScenarioPath("strategies.graded.rules[2].every_days")
        var days = 2.0
        for _ in benchmark.scaledIterations {
            days = days == 2 ? 3 : 2
            blackHole(try editor.scenario(setting: [(path, days)]))
        }
    }

    // A run's model before its first day: the parameter tables and the Beta quantile tables
    // (about 45,000 exact inverse CDFs), built afresh as every `collectsim run` does.
    Benchmark("model compile with Beta tables, all cores", configuration: .init(metrics: [.wallClock], maxIterations: 20)) { benchmark in
        let s = try scenario(population: 100_000, horizon: 360, strategies: ["gentle", "strict", "graded", "personalized"])
        for _ in benchmark.scaledIterations {
            blackHole(Runner(scenario: s).compiledModel())
        }
    }

    // The daily loop alone: one block (the engine's block size, 1,024 borrowers), one strategy, on a simulator and
    // tally made beforehand. A block run may allocate a fixed few buffers when it starts; the
    // days themselves must allocate nothing, so the count must not grow from 30 to 360 days.
    for (strategyName, horizon) in [("gentle", 360), ("strict", 360), ("graded", 30), ("graded", 360), ("personalized", 360)] {
        Benchmark("daily loop, one block × \(horizon) days, \(strategyName)",
                  configuration: .init(metrics: [.wallClock, .mallocCountTotal], maxIterations: 20)) { benchmark in
            let block = Runner.defaultBlockSize
            let s = try scenario(population: block, horizon: horizon, strategies: [strategyName])
            let model = Runner(scenario: s).compiledModel()
            let strategy = CompiledStrategy(s.strategies[0], model: model)
            let simulator = BlockSimulator(model: model, blockSize: block)
            var tally = Tally(segmentCount: s.population.segments.count, horizonDays: s.horizonDays)
            simulator.preparePopulation(seed: 1, replication: 0, first: 0, count: block)
            simulator.run(strategy, into: &tally)  // first run sizes every buffer
            for _ in benchmark.scaledIterations {
                benchmark.startMeasurement()
                simulator.run(strategy, into: &tally)
                benchmark.stopMeasurement()
            }
            blackHole(tally)
        }
    }
}
