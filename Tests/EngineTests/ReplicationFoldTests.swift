import CollectionsModel
import Engine
import Scenario
import Synchronization
import XCTest

/// The canonical order of adding block tallies: whatever way a run is cut into shards, the
/// chunk sums and the leftover blocks a merge adds give the bits of the block-by-block fold.
final class ReplicationFoldTests: XCTestCase {
    let segments = 2, horizon = 20, strategies = 2

    /// SplitMix64: fixed values for a test that must not depend on the run.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// A tally of random values of very different sizes, so that the grouping of sums shows.
    func randomTally(_ rng: inout SplitMix) -> Tally {
        let shape = Tally(segmentCount: segments, horizonDays: horizon).encoded()
        var values = shape
        for i in 2..<values.count { values[i] = Double.random(in: 0...1, using: &rng) * pow(10, Double.random(in: -3...6, using: &rng)) }
        return Tally(encoded: values, segmentCount: segments, horizonDays: horizon)!
    }

    func testWorkUnitSharesTileTheUnitsInOrderForEveryCount() {
        for count in [1, 2, 7, 137, 1000] {
            for n in Set([1, 2, 3, count / 2, count - 1, count].filter { 1 <= $0 && $0 <= count }) {
                let ranges = (1...n).map { WorkUnits.split(count, part: $0, of: n) }
                XCTAssertEqual(ranges.first?.lowerBound, 0)
                XCTAssertEqual(ranges.last?.upperBound, count)
                for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
                XCTAssertLessThanOrEqual(ranges.map(\.count).max()! - ranges.map(\.count).min()!, 1, "count \(count), n \(n)")
                XCTAssertTrue(ranges.allSatisfy { !$0.isEmpty })
            }
        }
    }

    func testChunkSumsAndLeftoverBlocksGiveTheBitsOfTheBlockOrderFoldForAnyCut() {
        var rng = SplitMix(state: 2026)
        let blocks = 2 * ReplicationFold.blocksPerChunk + 37
        let tallies = (0..<blocks).map { _ in (0..<strategies).map { _ in randomTally(&rng) } }
        var reference = ReplicationFold(strategies: strategies, segmentCount: segments, horizonDays: horizon, blocksPerReplication: blocks)
        for t in tallies { reference.addBlock(t) }
        XCTAssertTrue(reference.isComplete)

        var naiveDiffers = false
        for n in [1, 2, 3, 5, 64, blocks] {
            // Shard k holds blocks in `split`; a chunk wholly inside it is stored as its sum.
            var merged = ReplicationFold(strategies: strategies, segmentCount: segments, horizonDays: horizon, blocksPerReplication: blocks)
            var naive = [Tally](repeating: Tally(segmentCount: segments, horizonDays: horizon), count: strategies)
            for k in 1...n {
                let range = WorkUnits.split(blocks, part: k, of: n)
                var shardTotal = [Tally](repeating: Tally(segmentCount: segments, horizonDays: horizon), count: strategies)
                var b = range.lowerBound
                while b < range.upperBound {
                    let chunk = ReplicationFold.blocks(ofChunk: b / ReplicationFold.blocksPerChunk, blocksPerReplication: blocks)
                    if b == chunk.lowerBound && chunk.upperBound <= range.upperBound {
                        var sum = ReplicationFold.ChunkSum(strategies: strategies, segmentCount: segments, horizonDays: horizon)
                        for i in chunk { sum.add(tallies[i]) }
                        merged.addChunk(sum.result)
                        b = chunk.upperBound
                    } else {
                        merged.addBlock(tallies[b])
                        b += 1
                    }
                }
                for i in range { for s in 0..<strategies { shardTotal[s].merge(tallies[i][s]) } }
                for s in 0..<strategies { naive[s].merge(shardTotal[s]) }
            }
            XCTAssertTrue(merged.isComplete)
            XCTAssertEqual(merged.result, reference.result, "\(n) shards")
            if naive != reference.result { naiveDiffers = true }
        }
        // Why the order is fixed: adding up pre-summed shard totals does change the bits.
        XCTAssertTrue(naiveDiffers, "pre-summed shard totals matched the fold bit for bit on every cut")
    }

    func testTheRunnerFoldsLargeReplicationsInTheCanonicalOrderOnAnyThreadCount() throws {
        let scenario = try ScenarioLoader.parse(yaml: """
            name: fold
            seed: 3
            replications: 2
            horizon_days: 10
            population: {size: 140000}
            strategies: [graded]
            """, file: "<fold>")
        let one = Runner(scenario: scenario, threads: 1).run()
        XCTAssertEqual(Runner(scenario: scenario, threads: 3).run().tallies, one.tallies)
        // The same blocks, delivered one by one and folded here, give the run's tallies.
        let units = WorkUnits(replications: 2, population: 140_000)
        XCTAssertGreaterThan(units.blocksPerReplication, ReplicationFold.blocksPerChunk)
        let blocks = Mutex<[BlockResult]>([])
        Runner(scenario: scenario, threads: 2).runBlocks(units: 0..<units.count) { b in blocks.withLock { $0.append(b) } }
        let delivered = blocks.withLock { $0 }
        XCTAssertEqual(delivered.map(\.unit), Array(0..<units.count), "delivered in unit order")
        for r in 0..<2 {
            var fold = ReplicationFold(strategies: 1, segmentCount: scenario.population.segments.count, horizonDays: 10,
                                       blocksPerReplication: units.blocksPerReplication)
            for b in delivered where b.replication == r { fold.addBlock(b.tallies) }
            XCTAssertEqual(fold.result, [one.tallies[0][r]])
        }
    }
}
