import CollectionsModel

/// The one order in which a replication's block tallies are added up, whoever computes them.
///
/// Floating-point addition is not associative: adding the same block tallies in another
/// grouping changes the last bits. So the order is fixed, in two levels, and everything that
/// adds blocks up — the local runner, a shard of a cluster run, the merge of shards — goes
/// through this type:
///
///     chunk_c       = ((0 + block_{cC}) + block_{cC+1}) + … + block_{min((c+1)C, B)−1}
///     replication   = ((0 + chunk_0) + chunk_1) + … + chunk_{⌈B/C⌉−1}
///
/// with B blocks per replication and C = `blocksPerChunk`. A shard that holds a whole chunk
/// stores the chunk's sum (one tally, not C); a shard whose range cuts a chunk stores that
/// chunk's block tallies, and the merge adds them in block order. Either way the replication's
/// tally has the same bits as a one-machine run, for any split. Adding a tally to an empty one
/// leaves its bits unchanged, so a replication of at most C blocks is the plain block-order sum.
public struct ReplicationFold: Sendable {
    /// Blocks per chunk: 128 blocks of `Runner.defaultBlockSize` borrowers, 131,072 accounts.
    /// Part of the result's bits (like the block size), so fixed by the engine.
    public static let blocksPerChunk = 128

    public let blocksPerReplication: Int
    private let empty: Tally
    private var total: [Tally]
    private var chunk: [Tally]?
    /// The next block this fold expects (blocks arrive in order).
    public private(set) var nextBlock = 0

    public init(strategies: Int, segmentCount: Int, horizonDays: Int, blocksPerReplication: Int) {
        empty = Tally(segmentCount: segmentCount, horizonDays: horizonDays)
        total = Array(repeating: empty, count: strategies)
        self.blocksPerReplication = blocksPerReplication
    }

    /// Chunks in a replication of `blocks` blocks.
    public static func chunks(blocksPerReplication blocks: Int) -> Int { (blocks + blocksPerChunk - 1) / blocksPerChunk }

    /// The blocks of chunk `c`.
    public static func blocks(ofChunk c: Int, blocksPerReplication blocks: Int) -> Range<Int> {
        (c * blocksPerChunk)..<min((c + 1) * blocksPerChunk, blocks)
    }

    /// True once every block (or chunk) of the replication has been added.
    public var isComplete: Bool { nextBlock == blocksPerReplication }

    /// The replication's tallies, one per strategy (complete once `isComplete`).
    public var result: [Tally] { total }

    /// Adds the next block's tallies (one per strategy); closes its chunk after its last block.
    public mutating func addBlock(_ tallies: [Tally]) {
        precondition(nextBlock < blocksPerReplication && tallies.count == total.count)
        var partial = chunk ?? Array(repeating: empty, count: total.count)
        for k in partial.indices { partial[k].merge(tallies[k]) }
        nextBlock += 1
        let c = (nextBlock - 1) / Self.blocksPerChunk
        if nextBlock == Self.blocks(ofChunk: c, blocksPerReplication: blocksPerReplication).upperBound {
            for k in total.indices { total[k].merge(partial[k]) }
            chunk = nil
        } else {
            chunk = partial
        }
    }

    /// Adds the next chunk's tallies as `ChunkSum` added them up (no chunk may be half-added).
    public mutating func addChunk(_ tallies: [Tally]) {
        precondition(chunk == nil && nextBlock % Self.blocksPerChunk == 0 && tallies.count == total.count)
        let c = nextBlock / Self.blocksPerChunk
        for k in total.indices { total[k].merge(tallies[k]) }
        nextBlock = Self.blocks(ofChunk: c, blocksPerReplication: blocksPerReplication).upperBound
    }

    /// One chunk's sum of block tallies (per strategy), in the fold's order, for a shard that
    /// holds the whole chunk. Adding it with `addChunk` equals adding its blocks with `addBlock`.
    public struct ChunkSum: Sendable {
        private var sum: [Tally]
        public init(strategies: Int, segmentCount: Int, horizonDays: Int) {
            sum = Array(repeating: Tally(segmentCount: segmentCount, horizonDays: horizonDays), count: strategies)
        }
        public mutating func add(_ tallies: [Tally]) { for k in sum.indices { sum[k].merge(tallies[k]) } }
        public var result: [Tally] { sum }
    }
}
