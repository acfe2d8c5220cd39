import Foundation

extension AccountBook {
    /// The draw keys more than one account has: repeated ids (or, far more rarely, different
    /// ids sharing a 64-bit key).
    ///
    /// The keys are sorted in runs of at most `runLength` (8 bytes a key) and neighbours
    /// compared. A book of one run is sorted in memory; a larger one's sorted runs go to an
    /// unlinked temporary file and are merged from there, so the memory stays one run's
    /// (16 MiB) whatever the size of the book.
    public func repeatedKeys(runLength: Int = 1 << 21) -> Set<UInt64> {
        var repeated = Set<UInt64>()
        var run: [UInt64] = []
        run.reserveCapacity(min(count, runLength))
        var spill: KeyRuns?
        forEachBlock { _, block in
            for r in block {
                run.append(r.idKey)
                if run.count == runLength {
                    run.sort()
                    if spill == nil { spill = KeyRuns() }
                    spill!.append(run)
                    run.removeAll(keepingCapacity: true)
                }
            }
        }
        run.sort()
        guard var spill else {
            for i in run.indices.dropFirst() where run[i] == run[i - 1] { repeated.insert(run[i]) }
            return repeated
        }
        if !run.isEmpty { spill.append(run) }
        var previous: UInt64?
        spill.merge { key in
            if key == previous { repeated.insert(key) }
            previous = key
        }
        return repeated
    }
}

/// Sorted runs of keys in an unlinked temporary file, merged in order.
struct KeyRuns {
    let descriptor: Int32
    /// Each run's first key and length, in keys.
    private(set) var runs: [(start: Int, count: Int)] = []
    private var written = 0

    init() { descriptor = UnlinkedFile.make(prefix: "collectsim-keys", purpose: "to check a large book's ids").descriptor }

    mutating func append(_ keys: [UInt64]) {
        keys.withUnsafeBytes { UnlinkedFile.write($0, to: descriptor, at: written * 8, purpose: "to check a large book's ids") }
        runs.append((written, keys.count))
        written += keys.count
    }

    /// Calls `body` with every key of every run in ascending order, then closes the file.
    func merge(_ body: (UInt64) -> Void) {
        defer { close(descriptor) }
        let chunk = 4096
        var buffers = runs.map { _ in [UInt64]() }
        var positions = runs.map { _ in 0 }  // keys of the run consumed into buffers
        var heads = runs.map { _ in 0 }      // index into the buffer
        func refill(_ k: Int) {
            let n = min(chunk, runs[k].count - positions[k])
            buffers[k] = [UInt64](repeating: 0, count: n)
            guard n > 0 else { return }
            let problem = buffers[k].withUnsafeMutableBytes {
                UnlinkedFile.read(into: $0.baseAddress!, count: n * 8, from: descriptor, at: (runs[k].start + positions[k]) * 8).problem
            }
            if let problem { fatalError("CollectSim could not read back a large book's ids from its temporary file: \(problem)") }
            positions[k] += n
            heads[k] = 0
        }
        for k in runs.indices { refill(k) }
        while true {
            var best = -1
            for k in runs.indices where heads[k] < buffers[k].count {
                if best < 0 || buffers[k][heads[k]] < buffers[best][heads[best]] { best = k }
            }
            guard best >= 0 else { return }
            body(buffers[best][heads[best]])
            heads[best] += 1
            if heads[best] == buffers[best].count { refill(best) }
        }
    }
}
