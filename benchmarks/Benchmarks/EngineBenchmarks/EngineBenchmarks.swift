import Benchmark
import CollectionsModel
import Engine
import Scenario

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
