/// Which share of a piece of work a process runs: shard `index` of `count`, both from 1, as
/// `--shard K/N` gives it and a Slurm array task's `SLURM_ARRAY_TASK_ID` numbers it.
public struct ShardName: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `K/N`; nil when it is not two positive whole numbers with K ≤ N.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let k = Int(parts[0]), let n = Int(parts[1]), 1 <= k, k <= n else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard's folder: `shard-0003-of-0016` (zero-padded to at least four digits, so the
    /// folders of one run sort in shard order).
    public var folderName: String {
        let width = max(4, String(count).count)
        func padded(_ v: Int) -> String { String(repeating: "0", count: max(0, width - String(v).count)) + String(v) }
        return "shard-\(padded(index))-of-\(padded(count))"
    }

    /// The shard a folder name stands for, if it is one.
    public init?(folderName name: String) {
        let parts = name.split(separator: "-")
        guard parts.count == 4, parts[0] == "shard", parts[2] == "of",
              let k = Int(parts[1]), let n = Int(parts[3]), 1 <= k, k <= n else { return nil }
        self.init(index: k, count: n)
        guard folderName == name else { return nil }
    }
}
