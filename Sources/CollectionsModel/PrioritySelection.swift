/// Chooses who gets a collector when demand exceeds capacity.
enum PrioritySelection {
    /// Whether demand `a` goes before `b`: higher priority key first, then lower account index.
    @inline(__always)
    static func before(_ a: BlockSimulator.Demand, _ b: BlockSimulator.Demand) -> Bool {
        a.key != b.key ? a.key > b.key : a.account < b.account
    }

    /// Moves the `k` highest-priority demands into `queue[0..<k]` (in no particular order), in
    /// place and without allocating: Hoare quickselect with a median-of-three pivot. The result
    /// depends only on the input, never on timing, so runs stay reproducible.
    ///
    /// - Complexity: O(count) expected.
    static func selectTop(_ queue: UnsafeMutableBufferPointer<BlockSimulator.Demand>, count: Int, k: Int) {
        guard k > 0, k < count else { return }
        var lo = 0, hi = count - 1
        let target = k - 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            // Median of three as pivot, by the priority order.
            if before(queue[mid], queue[lo]) { queue.swapAt(mid, lo) }
            if before(queue[hi], queue[lo]) { queue.swapAt(hi, lo) }
            if before(queue[hi], queue[mid]) { queue.swapAt(hi, mid) }
            let pivot = queue[mid]
            var i = lo, j = hi
            while i <= j {
                while before(queue[i], pivot) { i += 1 }
                while before(pivot, queue[j]) { j -= 1 }
                if i <= j { queue.swapAt(i, j); i += 1; j -= 1 }
            }
            if target <= j { hi = j } else if target >= i { lo = i } else { return }
        }
    }
}
