/// A run's work cut into units of (replication, account block), numbered replication-major:
/// unit `u` is block `u mod B` of replication `u div B`, with B blocks per replication.
///
/// A unit's result depends only on the scenario, the seed and the unit, so any process may
/// compute any unit; the units are what a cluster run shares out (`--shard K/N`).
public struct WorkUnits: Sendable, Equatable {
    public let replications: Int
    public let blocksPerReplication: Int

    public init(replications: Int, blocksPerReplication: Int) {
        self.replications = replications
        self.blocksPerReplication = blocksPerReplication
    }

    /// The units of `population` accounts cut into blocks of `blockSize`, over `replications`.
    public init(replications: Int, population: Int, blockSize: Int = Runner.defaultBlockSize) {
        self.init(replications: replications, blocksPerReplication: (population + blockSize - 1) / blockSize)
    }

    public var count: Int { replications * blocksPerReplication }
    public func replication(of unit: Int) -> Int { unit / blocksPerReplication }
    public func block(of unit: Int) -> Int { unit % blocksPerReplication }
    public func unit(replication: Int, block: Int) -> Int { replication * blocksPerReplication + block }

    /// Shard `k` of `n` (1-based): the k-th of n contiguous, near-equal ranges of units. Shards
    /// cut replications (and their blocks' chunks) anywhere; `ReplicationFold` makes the merged
    /// sums independent of where.
    public func shard(_ k: Int, of n: Int) -> Range<Int> {
        precondition(1 <= k && k <= n && n <= count)
        return Self.split(count, part: k, of: n)
    }

    /// Part `k` of `n` (1-based) of `0..<count` cut into contiguous, near-equal ranges: the first
    /// `count mod n` parts take one more than the others.
    public static func split(_ count: Int, part k: Int, of n: Int) -> Range<Int> {
        let (q, r) = count.quotientAndRemainder(dividingBy: n)
        func start(_ i: Int) -> Int { i * q + min(i, r) }
        return start(k - 1)..<start(k)
    }
}
